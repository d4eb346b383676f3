// One run of the model: builds the entities from a ModelSpec, runs the scheduler for the
// scenario's duration and collects what the outputs need.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "sim/model/journal.hpp"
#include "sim/model/server.hpp"
#include "sim/model/spec.hpp"
#include "sim/model/world.hpp"
#include "sim/net/port.hpp"

namespace sim::model {

/// The scenario asks for something valid in the format that this build cannot model yet
/// (reported like a scenario error: exit code 2).
class UnsupportedError : public std::runtime_error {
public:
    UnsupportedError(std::string json_path, const std::string& reason)
        : std::runtime_error(reason), json_path_(std::move(json_path)) {}
    const std::string& json_path() const { return json_path_; }

private:
    std::string json_path_;
};

struct LinkReport {
    NodeIndex from = net::kNoNode;
    NodeIndex to = net::kNoNode;
    std::uint64_t bandwidth_bps = 0;
    net::PortStats stats;
};

/// The access links of one population block, summed (they are too many to list).
struct PopulationReport {
    std::string name;
    std::uint64_t users = 0, devices = 0;
    net::PortStats uplink;    ///< devices -> routers, summed; max_queue_bytes is the largest
    net::PortStats downlink;  ///< routers -> devices
    Duration max_busy_up{0}, max_busy_down{0};  ///< of the busiest single direction
};

struct ServerReport {
    NodeIndex node = net::kNoNode;
    ServerStats stats;
    std::uint64_t stored_at_end = 0;
};

/// Counts per (message, recipient device), the unit of SPEC.md's conservation law.
struct DeliveryCounts {
    std::uint64_t sent = 0, delivered = 0, pending = 0, stored = 0, expired = 0, read = 0;
    std::uint64_t lost = 0;  ///< only in non-durable server crashes
    /// Adds one (message, device) pair in its state.
    void count(const Delivery& d);
    bool conserved() const { return sent == delivered + pending + stored + expired + lost; }
};

struct RunResult {
    Duration sim_time{0};  ///< simulated time reached
    double wall_time_s = 0;
    std::uint64_t events = 0;
    std::uint64_t fingerprint = 0;
    bool interrupted = false;  ///< stopped early on request (Ctrl-C)
    Journal journal;
    PacketCounters packets;
    DatagramCounters datagrams;
    DeliveryCounts deliveries;          ///< users' messages to their recipients' devices
    DeliveryCounts sync;                ///< copies to the senders' other devices
    DeliveryCounts receipts_delivered;  ///< delivery receipts to the devices that sent
    DeliveryCounts receipts_read;       ///< read receipts likewise
    std::vector<LinkReport> links;      ///< two per link (a->b, b->a); population access aside
    std::vector<PopulationReport> populations;
    std::vector<ServerReport> servers;
    std::vector<RouteUpdate> route_updates;
};

/// The state of every link direction and server at one instant, for time series.
struct StateSample {
    Time at{};
    struct Direction {
        std::uint64_t queue_bytes = 0;  ///< waiting, the packet in transmission excluded
        std::uint64_t queue_packets = 0;
        Duration busy{0};  ///< transmitter busy time since the start, up to `at`
        bool up = true;
    };
    struct ServerState {
        std::uint64_t queued = 0;  ///< messages waiting for a worker
        std::uint32_t busy_workers = 0;
        std::uint64_t stored = 0;  ///< messages in offline storage
    };
    std::vector<Direction> links;      ///< in RunResult::links order
    std::vector<ServerState> servers;  ///< in RunResult::servers order
};

struct RunHooks {
    PacketObserver* observer = nullptr;
    /// When set with a positive interval, called with the state at every multiple of the
    /// interval (after the events of that instant), and at the end. Reading state between
    /// events schedules nothing, so results do not change.
    Duration sample_interval{0};
    std::function<void(const StateSample&)> on_sample;
    /// Sees every executed event (--trace events); may be empty.
    std::function<void(const Event&)> on_event;
    /// Called now and then with the simulated time reached.
    std::function<void(Time)> progress;
    /// Set (e.g. by a signal handler) to stop the run early.
    const std::atomic<bool>* stop = nullptr;
    /// The kernel's future event set (msgsim run --queue); results do not depend on it.
    QueueKind queue = kDefaultQueue;
};

/// Throws UnsupportedError if `spec` asks for something this build cannot model.
void check_supported(const ModelSpec& spec);

/// Runs `spec` to its duration. Throws UnsupportedError for features this build lacks and
/// InvariantError when a model invariant breaks.
RunResult run_simulation(const ModelSpec& spec, const RunHooks& hooks = {});

}  // namespace sim::model
