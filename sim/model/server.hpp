// Server: a regional messaging server. It reassembles uploads, queues them for its
// workers (finite queue; a full queue refuses with "busy"), then delivers each message to
// every online device of the recipient or stores it until that device reconnects (TTL,
// finite storage), delivering a device's backlog in the order it was stored. A message for
// a device served by another server crosses the backbone to that server first. A crash
// loses the queue and the messages in service (their senders send them again) and, unless
// storage is durable, the stored messages.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/model/endpoint.hpp"

namespace sim::model {

struct ServerStats {
    std::uint64_t processed = 0;
    std::uint64_t waits = 0;
    Duration total_wait{0};  ///< time in queue before a worker took the message
    std::uint64_t max_queue = 0;
    std::uint64_t stored_peak = 0;
    std::uint64_t refused_busy = 0;
    std::uint64_t expired = 0;
    std::uint64_t crashes = 0;
    std::uint64_t lost = 0;      ///< (message, device) pairs lost in non-durable crashes
    std::uint64_t relayed = 0;   ///< messages sent over the backbone to another server
    std::uint64_t relay_in = 0;  ///< messages received over the backbone and processed
};

class Server final : public Endpoint {
public:
    Server(NodeIndex id, World& world);
    const ServerStats& stats() const { return stats_; }
    /// Expires stored messages whose TTL has passed (end-of-run bookkeeping, so a run that
    /// ends before a device returns still reports what expired).
    void expire_overdue(Time now);
    /// Messages in storage now (for the end-of-run conservation check).
    std::uint64_t stored_now() const { return stored_count_; }
    /// Messages waiting for a worker, and workers busy now (time series).
    std::uint64_t queued_now() const { return queue_.size(); }
    std::uint32_t busy_workers_now() const { return busy_workers_; }

protected:
    void on_model_event(const Event& e) override;
    Time sendable_at(NodeIndex peer) override;
    void on_peer_unreachable(std::uint32_t message, NodeIndex peer, Time leg_start) override;
    void on_message(std::uint32_t pid) override;
    void on_retransmission(std::uint32_t message, NodeIndex peer) override;
    void send_reports() override;
    void on_transfer_acked(std::uint32_t message, NodeIndex peer) override;
    void on_node_down() override;
    void on_node_up() override;

private:
    struct Job {
        std::uint32_t message;
        Time arrived;
        NodeIndex from = net::kNoNode;  ///< the phone or server that sent it
        std::uint32_t generation = 0;
        bool relay = false;  ///< came over the backbone from another server
    };
    /// A message that came over the backbone, until processed: its leg and path.
    struct Inbound {
        Stages leg;
        std::vector<NodeIndex> path;
    };
    struct Stored {
        std::uint32_t message;
    };
    void start_service(Job job);
    /// After processing at the sender's server: delivers to the devices it serves and
    /// relays the message once to each other server that serves a recipient device.
    void fan_out(std::uint32_t message);
    void relay(std::uint32_t message, NodeIndex to, Time leg_start);
    /// When the backbone leg of `message` began (its processing at the sender's server).
    Time relay_start(std::uint32_t message) const;
    /// The deliveries of `message` served by server `to` are lost (non-durable crash).
    void lose_relay(std::uint32_t message, NodeIndex to);
    /// Tells `sender` that its message died with this server (it learns it once routing
    /// has detected the crash) so that it sends it again.
    void reset_sender(NodeIndex sender, std::uint32_t message, std::uint32_t generation);
    void dispatch(std::uint32_t message, NodeIndex device);
    void store(std::uint32_t message, NodeIndex device);
    void schedule_wakeup(NodeIndex device);
    /// Delivers a device's backlog in order; `back` is when the device came back online.
    /// After a restart, `back` is the restart: the time the device was still offline counts
    /// as offline_wait, the rest (waiting for the server) as server.
    void flush_backlog(NodeIndex device, Time back, bool after_restart = false);
    void deliver(std::uint32_t message, NodeIndex device);

    const ServerSpec& spec_;
    Rng service_rng_;
    std::uint32_t busy_workers_ = 0;
    std::deque<Job> queue_;
    std::vector<Job> in_service_;  ///< by job slot; payload of ServiceDone
    std::vector<std::uint32_t> free_slots_;
    std::unordered_map<NodeIndex, std::deque<Stored>> storage_;
    std::unordered_map<NodeIndex, bool> wakeup_pending_;
    std::unordered_map<NodeIndex, Time> reconnected_at_;           ///< awaiting the push
    std::unordered_map<std::uint64_t, std::uint32_t> generation_;  ///< per (message, device)
    std::uint64_t stored_count_ = 0;
    std::unordered_set<std::uint32_t> receipted_;  ///< messages whose delivery receipt left
    std::unordered_set<std::uint32_t> accepted_;   ///< queued or in service here
    std::unordered_map<std::uint32_t, Inbound> inbound_;
    /// Backbone transfers interrupted by a crash of a durable server, resumed at restart.
    std::vector<std::pair<std::uint32_t, NodeIndex>> pending_relays_;
    std::uint32_t epoch_ = 0;  ///< incremented by each crash; stale ServiceDone are ignored
    ServerStats stats_;
};

}  // namespace sim::model
