// Server: a regional messaging server. It reassembles uploads, queues them for its
// workers (finite queue; a full queue refuses with "busy"), then delivers each message to
// every online device of the recipient or stores it until that device reconnects (TTL,
// finite storage), delivering a device's backlog in the order it was stored.
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

private:
    struct Job {
        std::uint32_t message;
        Time arrived;
    };
    struct Stored {
        std::uint32_t message;
    };
    void start_service(Job job);
    void dispatch(std::uint32_t message, NodeIndex device);
    void store(std::uint32_t message, NodeIndex device);
    void schedule_wakeup(NodeIndex device);
    /// Delivers a device's backlog in order; `back` is when the device came back online.
    void flush_backlog(NodeIndex device, Time back);
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
    ServerStats stats_;
};

}  // namespace sim::model
