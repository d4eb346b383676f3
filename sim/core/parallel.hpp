// Conservative parallel execution of a partitioned model (YAWNS-style windows).
//
// Every part holds the entities of one rank. All parts agree on the earliest pending
// event t0 (one MPI reduction), run their events in [t0, t0 + lookahead), then swap the
// events they scheduled for each other in one batch per pair of parts. The lookahead is
// the least latency of any link between parts, so nothing scheduled inside a window can
// be due inside it on another part. With the (time, src, seq) order of events, every
// entity sees the same events in the same order as in a sequential run: results are
// identical for any number of parts.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "sim/core/scheduler.hpp"
#include "sim/core/time.hpp"

namespace sim {

/// What a partitioned run measured (msgsim run --stats).
struct ParallelStats {
    std::uint32_t parts = 1;
    Duration lookahead{0};
    std::uint64_t windows = 0;
    std::uint64_t events = 0;         ///< executed by this part
    std::uint64_t remote_events = 0;  ///< received from other parts
    std::uint64_t remote_bytes = 0;
    double busy_s = 0;  ///< wall time running events
    double wait_s = 0;  ///< wall time in the reductions and exchanges, waiting for others
};

struct WindowHooks {
    /// Called after each window with the time reached (every part; the caller filters).
    std::function<void(Time)> progress;
    /// Any part seeing it set stops every part at the end of the window.
    const std::atomic<bool>* stop = nullptr;
};

/// Runs this rank's part (`sched`, partitioned over ranks::size() parts) to `until`,
/// exchanging events through MPI. With one rank this is a sequential run in windows.
ParallelStats run_over_ranks(Scheduler& sched, Duration lookahead, Time until,
                             const WindowHooks& hooks = {});

/// The same protocol with every part in this process, run one after the other in each
/// window. The DESIGN's partitioned sequential executor: it checks that a partition
/// changes nothing before MPI is involved.
ParallelStats run_parts_in_process(std::span<Scheduler* const> parts, Duration lookahead,
                                   Time until);

/// Combines per-entity hashes in id order, as Scheduler::fingerprint() does.
std::uint64_t combine_fingerprint(std::span<const std::uint64_t> hashes_by_id);

}  // namespace sim
