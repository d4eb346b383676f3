// Random streams: xoshiro256** seeded per (run seed, entity, purpose) with SplitMix64.
// A stream depends only on those three values, never on creation order or on how many
// other entities draw numbers, so adding a node does not perturb the others' draws.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/core/mix.hpp"

namespace sim {

/// What a stream is used for; part of its seed.
enum class StreamTag : std::uint8_t {
    Traffic = 1,
    Loss = 2,
    Service = 3,
    Processing = 4,
    Reading = 5,
    Topology = 6,
    Population = 7,
};

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0);
    Rng(std::uint64_t run_seed, std::uint64_t entity, StreamTag tag);

    std::uint64_t next();
    /// Uniform in [0, 1) from the top 53 bits.
    double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Uniform in (0, 1]: safe under log().
    double uniform01_open0() { return 1.0 - uniform01(); }
    /// Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method).
    std::uint64_t below(std::uint64_t n);

private:
    std::uint64_t s_[4];
};

/// A stable 64-bit hash of a name (FNV-1a), for seeding streams of named things.
constexpr std::uint64_t stable_hash(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

}  // namespace sim
