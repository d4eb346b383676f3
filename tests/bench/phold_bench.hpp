// PHOLD benchmarks on msgsim's Scheduler, registered at start-up by bench_main.cpp.
#pragma once

#include <cstdint>

namespace bench {

/// Registers BM_Phold/A, /B, /C, each on every queue (BM_Phold/B/ladder, ...). With `fixed_count`,
/// each times about `events` events after its warm-up; otherwise Google Benchmark's
/// --benchmark_min_time decides.
void register_phold(std::uint64_t events, bool fixed_count);

}  // namespace bench
