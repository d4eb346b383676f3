// Node: a router, phone or server of the topology. It owns the sending side of each of
// its links (net::Port), forwards packets hop by hop along the routing tables, and
// reacts to link and node faults. A plain Node is a router.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/scheduler.hpp"
#include "sim/model/world.hpp"
#include "sim/net/port.hpp"

namespace sim::model {

/// Event kinds of the model. Each entity class handles its own subset.
namespace ev {
enum : EventKind {
    PacketArrive = 1,  ///< payload: packet
    TxDone,            ///< slot: port, payload: port epoch
    PortDown,          ///< slot: port
    PortUp,            ///< slot: port
    NodeDown,
    NodeUp,
    Compose,       ///< phone: payload = index of an explicit message
    PoissonNext,   ///< phone: slot = poisson stream
    SendReady,     ///< phone: payload = message, sender processing done
    Rto,           ///< endpoint: payload = transfer slot << 32 | seq
    DeviceStep,    ///< phone: slot = step, payload = message
    Read,          ///< phone: payload = message
    ServiceDone,   ///< server: payload = job
    Reconnect,     ///< server: payload = device
    BusyRetry,     ///< phone: payload = message
    DatagramNext,  ///< phone: slot = datagram source, payload = its count so far
    ReportTick,    ///< node: time to report port delays (and server load) to the controller
    LinkReport,    ///< controller: slot = link direction, payload = queueing delay in ns
    LoadReport,    ///< controller: slot = server, payload = messages queued or in service
    RouteTick,     ///< controller: recompute adaptive routes
    FaultChange,   ///< controller: slot = fault, payload = 1 detected down, 0 detected up
    PushWoke,      ///< server: payload = device whose app the push notification woke
    Presence,      ///< phone: slot = offline interval, payload = 1 it starts, 0 it ends
    ConnReset,     ///< sender: a crashed server lost payload = message | (generation + 1) << 32
};

}  // namespace ev

/// Reports travel to the route computation with this delay (a control-plane hop).
inline constexpr Duration kControlDelay = std::chrono::milliseconds(1);

/// The name of a model event kind, for event traces.
const char* event_name(EventKind kind);

class Node : public Entity {
public:
    Node(NodeIndex id, World& world);

    /// Adds the sending side of a link toward `port.peer()`; returns its port index.
    std::uint32_t add_port(net::Port port);
    /// Makes room for `n` ports at once (a router with many phones would otherwise grow
    /// its port array by doubling, briefly holding it twice).
    void reserve_ports(std::size_t n) {
        ports_.reserve(n);
        port_of_.reserve(n);
    }
    const std::vector<net::Port>& ports() const { return ports_; }
    /// Sends periodic reports of the ports' queueing delays (toward routers and servers) to
    /// the routing controller; `directions[p]` is port p's link direction index.
    void enable_reports(EntityId controller, std::vector<std::uint32_t> directions);
    /// Tells port `port` the index of its reverse direction at the peer, so that an arriving
    /// packet names the port it came over without a search.
    void set_port_reverse(std::uint32_t port, std::uint32_t reverse) {
        ports_[port].set_reverse(reverse);
    }
    /// Port index toward a neighbour, or -1.
    std::int64_t port_to(NodeIndex neighbour) const;

    void on_event(const Event& e) override;

protected:
    /// Sends packet `pid` toward its destination from this node: picks the next hop and
    /// offers it to that port. Drops it (counted) when there is no route.
    void transmit(std::uint32_t pid);
    /// A packet addressed to this node arrived. Routers never are destinations.
    virtual void receive(std::uint32_t pid);
    /// Events other than the ones Node handles.
    virtual void on_model_event(const Event& e);
    /// Sends this node's periodic reports; servers add their load.
    virtual void send_reports();
    /// A node fault began (after its ports went down) or ended (after they came up).
    virtual void on_node_down() {}
    virtual void on_node_up() {}

    /// Takes one of this node's ports down (its queue is dropped) or brings it back up.
    void set_port_up(std::uint32_t port, bool up) {
        if (up) {
            bring_port_up(port);
        } else {
            take_port_down(port);
        }
    }

    /// Starts loading the per-packet state of a port (its first two cache lines, see
    /// net::Port); harmless on a node without ports.
    void prefetch_port(std::uint32_t port) const {
        const char* p = reinterpret_cast<const char*>(ports_.data() + port);
        __builtin_prefetch(p);
        __builtin_prefetch(p + 64);
    }

    /// Discards a packet, reporting it to the observer.
    void discard(std::uint32_t pid, PacketObserver::What why);

    // The members every packet reads come first, next to the entity's own (a large
    // population's nodes are cold: each line a packet touches is a cache miss).
    World& world_;
    bool down_ = false;
    bool reporting_ = false;

private:
    /// Ports that are down: 0 (almost always) spares an arriving packet a read of its port.
    std::uint32_t ports_down_ = 0;
    std::vector<net::Port> ports_;

protected:
    EntityId controller_ = 0;

private:
    void start_hop(std::uint32_t port, std::uint32_t pid);
    /// start_hop, or a no-route drop when `port` is -1.
    void start_hop_or_drop(std::int64_t port, std::uint32_t pid);
    void on_tx_done(const Event& e);
    void on_arrive(std::uint32_t pid, std::uint32_t back);
    void take_port_down(std::uint32_t port);
    void bring_port_up(std::uint32_t port);

    /// (neighbour, port) sorted by neighbour: O(log n) lookup on routers with many phones.
    std::vector<std::pair<NodeIndex, std::uint32_t>> port_of_;
    std::vector<std::uint32_t> port_direction_;
};

}  // namespace sim::model
