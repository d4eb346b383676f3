// Counters every kernel benchmark reports: events per second, time per event, and heap
// allocations per event in the timed loop (allocation_count.cpp replaces the global
// operator new and delete of this program with counting versions; the goal is zero).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace bench {

/// Calls of any global operator new since the program started.
std::uint64_t allocation_count();

/// Sets items_per_second (events/s) and time_per_event for `events` executed events.
inline void report_events(benchmark::State& state, std::uint64_t events) {
    state.SetItemsProcessed(static_cast<std::int64_t>(events));
    state.counters["time_per_event"] = benchmark::Counter(
        static_cast<double>(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

/// Counts allocations from construction to report(); report() sets `allocs_per_event`.
/// Construct it right before the timed loop, after set-up and warm-up.
class AllocationMeter {
public:
    AllocationMeter() : start_(allocation_count()) {}
    void report(benchmark::State& state, std::uint64_t events) const {
        const auto allocs = static_cast<double>(allocation_count() - start_);
        state.counters["allocs_per_event"] =
            events == 0 ? 0.0 : allocs / static_cast<double>(events);
    }

private:
    std::uint64_t start_;
};

}  // namespace bench
