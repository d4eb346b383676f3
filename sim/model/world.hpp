// World: what every node of one run shares read-only (the spec, routes, presence
// schedules) plus the packet pool, the journal and the run's counters, which entities
// only append to.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/model/journal.hpp"
#include "sim/model/load_balancer.hpp"
#include "sim/model/packet.hpp"
#include "sim/model/spec.hpp"
#include "sim/net/routing.hpp"

namespace sim::model {

/// Run-wide packet counters (summary.json "packets").
struct PacketCounters {
    std::uint64_t sent = 0;             ///< transmissions by endpoints, first copies and resends
    std::uint64_t delivered = 0;        ///< packets that reached their endpoint
    std::uint64_t retransmissions = 0;  ///< resends after a timeout or a busy server
    std::uint64_t drops_loss = 0;
    std::uint64_t drops_queue_full = 0;
    std::uint64_t drops_red = 0;  ///< early drops by RED queues
    std::uint64_t drops_link_down = 0;
    std::uint64_t drops_no_route = 0;
    std::uint64_t resends_capped = 0;  ///< resends whose interval reached its cap (max_retries)
    std::uint64_t server_busy = 0;     ///< messages refused by a full server queue

    /// Adds another part's counts (partitioned runs).
    PacketCounters& operator+=(const PacketCounters& o) {
        sent += o.sent;
        delivered += o.delivered;
        retransmissions += o.retransmissions;
        drops_loss += o.drops_loss;
        drops_queue_full += o.drops_queue_full;
        drops_red += o.drops_red;
        drops_link_down += o.drops_link_down;
        drops_no_route += o.drops_no_route;
        resends_capped += o.resends_capped;
        server_busy += o.server_busy;
        return *this;
    }
};

/// Network-layer datagrams ("layer": "network"): counts and one-way delays.
struct DatagramCounters {
    std::uint64_t sent = 0;
    std::uint64_t delivered = 0;
    std::uint64_t dropped = 0;
    std::vector<Duration> delays;  ///< of delivered datagrams, in arrival order
};

/// Receives every packet hop when the run traces packets (--trace packets).
class PacketObserver {
public:
    virtual ~PacketObserver() = default;
    enum class What : std::uint8_t {
        Sent,
        Arrived,
        Lost,
        DroppedQueueFull,
        DroppedLinkDown,
        Delivered
    };
    virtual void on_packet(Time t, What what, NodeIndex at, NodeIndex next, const Packet& p) = 0;
};

/// One published routing change, for summary.json and explain.
struct RouteUpdate {
    Time at;
    std::string reason;  ///< e.g. "link r1-r2 down", "queueing delays changed"
    /// Link directions whose cost changed: (direction index, old cost, new cost); cost -1
    /// means down.
    std::vector<std::tuple<std::uint32_t, std::int64_t, std::int64_t>> changes;
};

struct World {
    World(const ModelSpec& s, std::shared_ptr<net::Routing> r);

    const ModelSpec& spec;
    /// The routing snapshot in force; replaced (never edited) when routes change.
    net::Routing& routing() { return *routing_; }
    void publish(std::shared_ptr<net::Routing> r) { routing_ = std::move(r); }
    std::vector<RouteUpdate> route_updates;
    /// Latest published load of each server (queued + in service), for least-loaded.
    std::vector<std::uint64_t> server_load;
    PacketPool packets;
    Journal journal;
    PacketCounters counters;
    DatagramCounters datagrams;
    PacketObserver* observer = nullptr;
    std::vector<NodeIndex> access_router;  ///< phones: the router their access link reaches
    std::vector<NodeIndex> server_of;      ///< phones: their server (server_selection)
    /// Phones: the index of the access router's port toward the phone.
    std::vector<std::uint32_t> router_port;
    /// Offline intervals of a device (empty: always online), sorted, from presence.
    const std::vector<std::pair<Time, Time>>& offline(NodeIndex device) const;
    /// A recipient for a message of Poisson stream `stream` sent by `from` (its `to` unset).
    UserIndex pick_recipient(std::uint32_t stream, UserIndex from, Rng& rng) const;

    /// Server pools of routing.load_balancer (empty with "none"); pool_of: per node, its
    /// pool's index or kNoPool.
    static constexpr std::uint32_t kNoPool = UINT32_MAX;
    std::vector<Pool> pools;
    std::vector<std::uint32_t> pool_of;
    std::unique_ptr<LoadBalancer> balancer;
    /// The instance that takes a message for `recipient` when `server` is chosen: `server`
    /// itself unless it is in a pool, else the balancer's pick among the instances `usable`
    /// accepts (falling back to `server` when none is).
    NodeIndex balance(NodeIndex server, UserIndex recipient,
                      const std::function<bool(NodeIndex)>& usable = {});
    /// A server's load was reported (least-loaded selection and balancing).
    void note_load_report(NodeIndex server, std::uint64_t load);
    /// `server` is reachable from `router` on the routes in force (up and connected).
    bool reachable(NodeIndex router, NodeIndex server);

    /// From a byte per node, not spec.nodes (232 bytes each): asked on every hop.
    bool is_phone(NodeIndex n) const { return phone_[n] != 0; }
    bool online(NodeIndex device, Time t) const;
    /// The first instant >= t at which `device` is online.
    Time next_online(NodeIndex device, Time t) const;
    /// Indices into spec.datagrams of the sources sending from `node`, in spec order
    /// (so set-up is linear in phones and sources, not their product).
    std::span<const std::uint32_t> datagrams_from(NodeIndex node) const {
        return {datagram_index_.data() + datagram_first_[node],
                datagram_first_[node + 1] - datagram_first_[node]};
    }

private:
    static constexpr std::uint32_t kAlwaysOnline = UINT32_MAX;
    std::vector<std::uint8_t> phone_;            ///< per node: 1 for a phone
    std::vector<std::uint32_t> presence_of_;     ///< per node: index into spec.presence
    std::vector<std::vector<double>> zipf_cdf_;  ///< per Poisson stream (Zipf choice only)
    std::shared_ptr<net::Routing> routing_;
    std::vector<std::uint32_t> datagram_first_;  ///< per node, then the total: offsets
    std::vector<std::uint32_t> datagram_index_;
};

}  // namespace sim::model
