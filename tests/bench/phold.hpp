// PHOLD (Fujimoto, 1990), independent of any kernel: the parameters of a configuration
// and one logical process's random stream. msgsim's benchmark and the ns-3 program in
// tools/bench/ns3/ both draw from this code, so both kernels see the same workload.
#pragma once

#include <cstdint>

#include "sim/core/distribution.hpp"
#include "sim/core/rng.hpp"

namespace phold {

/// PHOLD's time unit on the integer clock: 1 unit = 1 ms = 10^6 ns. With at most 2^20
/// pending events spread over ~1 unit, equal timestamps stay rare.
inline constexpr double kNsPerUnit = 1e6;

struct Config {
    const char* name;        ///< "A", "B", "C"
    std::uint32_t lps;       ///< N, the number of logical processes
    std::uint32_t per_lp;    ///< P, initial events per LP (pending events = N * P)
    double remote = 0.9;     ///< probability that an event targets a random LP
    double lookahead = 0.1;  ///< in units
    double mean = 0.9;       ///< mean of the exponential increment, in units
    std::uint64_t seed = 1;  ///< run seed of the per-LP streams

    std::uint64_t pending() const { return std::uint64_t{lps} * per_lp; }
};

/// The three standard configurations of issue 8. (Positional, not designated, initializers:
/// the ns-3 programs include this header and ns-3.37's headers only compile as C++17.)
inline constexpr Config kConfigA{"A", 1024, 1};
inline constexpr Config kConfigB{"B", 65536, 16};
inline constexpr Config kConfigC{"C", 1u << 20, 1};

/// Where and when an event sends its successor.
struct Hop {
    std::uint32_t dst;
    std::int64_t delay_ns;
};

/// One LP's stream, seeded as msgsim seeds an entity's: Rng(seed, lp, Traffic). Every
/// draw of an LP comes from its own stream, whatever order the kernel runs LPs in.
class Stream {
public:
    Stream(const Config& c, std::uint32_t lp) : rng_(c.seed, lp, sim::StreamTag::Traffic) {}

    /// The successor of an event executed at `self`: on a uniformly random LP with
    /// probability `remote`, else on `self`, after lookahead + Exp(mean).
    Hop next(const Config& c, std::uint32_t self) {
        const bool remote = rng_.uniform01() < c.remote;
        const auto dst = remote ? static_cast<std::uint32_t>(rng_.below(c.lps)) : self;
        return Hop{dst, delay_ns(c)};
    }
    /// lookahead + Exp(mean), in nanoseconds (also the initial events' times).
    std::int64_t delay_ns(const Config& c) {
        const auto exp = sim::Distribution::exponential(c.mean * kNsPerUnit);
        return static_cast<std::int64_t>(c.lookahead * kNsPerUnit) +
               exp.sample_duration(rng_).count();
    }

private:
    sim::Rng rng_;
};

/// Mean simulated time between two executed events in steady state, in ns: each of the
/// pending events advances by lookahead + mean = 1 unit per hop. A kernel whose measured
/// figure differs does not run the same model.
inline double expected_ns_per_event(const Config& c) {
    return (c.lookahead + c.mean) * kNsPerUnit / static_cast<double>(c.pending());
}

}  // namespace phold
