#include "sim/core/rng.hpp"

#include "sim/core/time.hpp"

namespace sim {

namespace {
constexpr std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}
}  // namespace

Rng::Rng(std::uint64_t seed) {
    // SplitMix64 sequence fills the state (Vigna's recommended seeding); never all zero.
    std::uint64_t z = seed;
    for (auto& s : s_) {
        z += 0x9e3779b97f4a7c15ULL;
        s = mix64(z);
    }
}

// Chained, not symmetric: mixing each part into the running hash in turn means no two
// (seed, entity, tag) triples can trade roles and land on the same stream.
Rng::Rng(std::uint64_t run_seed, std::uint64_t entity, StreamTag tag)
    : Rng(mix64(mix64(mix64(run_seed) ^ entity) ^ static_cast<std::uint8_t>(tag))) {}

std::uint64_t Rng::next() {
    // xoshiro256** 1.0 (Blackman & Vigna, 2018).
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

std::uint64_t Rng::below(std::uint64_t n) {
    uint128 m = static_cast<uint128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
        const std::uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = static_cast<uint128>(next()) * n;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

}  // namespace sim
