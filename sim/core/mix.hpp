// mix64, on its own: the random streams need it, and the ns-3 side of tools/bench/vs-ns3.sh
// compiles sim/core/rng.hpp as C++17, so it must not pull in the (C++20) kernel.
#pragma once

#include <cstdint>

namespace sim {

/// SplitMix64 finaliser: a strong 64-bit mix, used for seeds and fingerprints.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace sim
