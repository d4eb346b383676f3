// One run of the model: builds the entities from a ModelSpec, runs the scheduler for the
// scenario's duration and collects what the outputs need.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "sim/core/parallel.hpp"
#include "sim/model/journal.hpp"
#include "sim/model/server.hpp"
#include "sim/model/spec.hpp"
#include "sim/model/world.hpp"
#include "sim/net/partition.hpp"
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

/// How a run over several ranks was split and how its windows went (run --stats).
struct ParallelReport {
    net::PartitionMethod method = net::PartitionMethod::Region;
    std::uint32_t ranks = 1;
    std::uint32_t cut_links = 0;             ///< links between two parts
    Duration lookahead{0};                   ///< least latency of a cut link
    std::vector<double> part_weight;         ///< expected work per part (the partitioner's input)
    std::vector<std::uint64_t> part_nodes;   ///< nodes per part (phones included)
    std::vector<std::uint64_t> part_events;  ///< events executed per part
    std::uint64_t windows = 0;
    std::uint64_t remote_events = 0;     ///< events that crossed between parts
    std::vector<double> busy_s, wait_s;  ///< per rank: running events, waiting for others
    /// Rank 0's wall time building its part (partition included), in the windows, and
    /// gathering and merging the parts' results.
    double build_s = 0, windows_s = 0, merge_s = 0;
};

/// Where a one-process run spent its time (run --stats): wall seconds building the model,
/// in the event loop and assembling the result, and the process CPU seconds of the loop.
struct RunTimes {
    double build_s = 0, loop_s = 0, loop_cpu_s = 0, finish_s = 0;
};

struct RunResult {
    Duration sim_time{0};  ///< simulated time reached
    double wall_time_s = 0;
    RunTimes times;  ///< set by one-process runs
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
    std::optional<ParallelReport> parallel;  ///< set when the run was partitioned
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
    /// Set: split the model over the MPI ranks (one part each, even with one rank) and run
    /// in conservative windows. Results are the sequential run's; rank 0 gets them whole,
    /// other ranks get only `parallel`. Unset: one sequential scheduler.
    std::optional<net::PartitionMethod> partition;
};

/// Throws UnsupportedError if `spec` asks for something this build cannot model.
void check_supported(const ModelSpec& spec);
/// Runs `spec` split into `parts` parts all in this process, window by window, the parts'
/// events crossing as bytes as over MPI (DESIGN.md's partitioned sequential executor). The
/// result is the sequential run's, plus `parallel`; tests use it without MPI.
RunResult run_simulation_in_parts(const ModelSpec& spec, net::PartitionMethod method,
                                  std::uint32_t parts, QueueKind queue = kDefaultQueue);
/// Throws UnsupportedError if `spec` cannot run split over `ranks` > 1 ranks (yet).
void check_partitionable(const ModelSpec& spec, const RunHooks& hooks, int ranks);
/// Expected work of each node (packets per second through it), from the scenario's traffic
/// on the initial routes: the weights of the partitioner.
std::vector<double> expected_load(const ModelSpec& spec);

/// Runs `spec` to its duration. Throws UnsupportedError for features this build lacks and
/// InvariantError when a model invariant breaks.
RunResult run_simulation(const ModelSpec& spec, const RunHooks& hooks = {});

}  // namespace sim::model
