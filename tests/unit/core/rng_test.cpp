// Tests of random streams (sim/core/rng): golden outputs of xoshiro256** with SplitMix64
// seeding, stream independence by (seed, entity, tag), and uniformity of below() and
// uniform01().
#include "sim/core/rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace sim {
namespace {

std::vector<std::uint64_t> first_outputs(Rng rng, int n) {
    std::vector<std::uint64_t> out;
    for (int i = 0; i < n; ++i)
        out.push_back(rng.next());
    return out;
}

/// Upper critical value of the chi-square distribution with `df` degrees of freedom at
/// an upper-tail probability of about 1e-9 (standard normal z = 6), by the Wilson-Hilferty
/// approximation chi2 ~ df * (1 - 2/(9 df) + z sqrt(2/(9 df)))^3, accurate to a few
/// percent at this level for df >= 2. A false alarm would need a one-in-a-billion draw.
double chi_square_critical_1e9(double df) {
    constexpr double z = 6.0;
    const double c = 2.0 / (9.0 * df);
    return df * std::pow(1.0 - c + z * std::sqrt(c), 3);
}

template <std::size_t K>
double chi_square(const std::array<std::uint64_t, K>& counts, double expected_each) {
    double chi2 = 0;
    for (std::uint64_t c : counts) {
        const double d = static_cast<double>(c) - expected_each;
        chi2 += d * d / expected_each;
    }
    return chi2;
}

TEST(Mix64, MatchesThePublishedSplitMix64FirstOutputForSeedZero) {
    // SplitMix64 (Steele, Lea & Flood 2014) from state 0: first output 0xe220a8397b1dcdaf.
    EXPECT_EQ(mix64(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
}

TEST(Rng, ProducesTheGoldenFirstOutputsForSeed12345) {
    // Pinned: any change to the seeding or the generator changes every golden run. These
    // were cross-checked against an independent Python transcription of SplitMix64 and
    // xoshiro256** 1.0 (which gives 11520, 0, 1509978240 from the state {1, 2, 3, 4}).
    EXPECT_EQ(first_outputs(Rng(12345), 3),
              (std::vector<std::uint64_t>{0xbe6a36374160d49bULL, 0x214aaa0637a688c6ULL,
                                          0xf69d16de9954d388ULL}));
}

TEST(Rng, ProducesTheGoldenFirstOutputsForAnEntityStream) {
    EXPECT_EQ(first_outputs(Rng(42, 7, StreamTag::Traffic), 3),
              (std::vector<std::uint64_t>{0x37d777294419e30eULL, 0x271a279440b0567eULL,
                                          0xbcdd23d009c3f03eULL}));
}

TEST(Rng, SameSeedEntityAndTagGiveTheSameSequence) {
    EXPECT_EQ(first_outputs(Rng(9, 3, StreamTag::Loss), 100),
              first_outputs(Rng(9, 3, StreamTag::Loss), 100));
    EXPECT_EQ(first_outputs(Rng(77), 100), first_outputs(Rng(77), 100));
}

TEST(Rng, DifferentTagEntityOrSeedGiveDifferentSequences) {
    const auto base = first_outputs(Rng(9, 3, StreamTag::Loss), 4);
    EXPECT_NE(first_outputs(Rng(9, 3, StreamTag::Traffic), 4), base);
    EXPECT_NE(first_outputs(Rng(9, 4, StreamTag::Loss), 4), base);
    EXPECT_NE(first_outputs(Rng(10, 3, StreamTag::Loss), 4), base);
    EXPECT_NE(first_outputs(Rng(1), 4), first_outputs(Rng(2), 4));
}

TEST(Rng, EntityAndTagDoNotAliasEachOther) {
    // entity * 256 + tag must not collide across neighbouring entities and tags.
    const auto a = first_outputs(Rng(5, 1, StreamTag::Population), 2);
    const auto b = first_outputs(Rng(5, 2, StreamTag::Traffic), 2);
    const auto c = first_outputs(Rng(5, 0, StreamTag::Population), 2);
    EXPECT_NE(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(b, c);
}

// Disabled until sim/core/rng.cpp is fixed: the stream seed mix64(seed) ^ mix64(entity * 256
// + tag) is symmetric in its two halves, so replication seed 2's Traffic stream of entity 0
// is replication seed 1's Loss stream of entity 0, and (257, 5, Traffic) is (1281, 1,
// Traffic). Replications with consecutive seeds are then correlated.
TEST(Rng, StreamsOfDifferentSeedsNeverSwapRoles) {
    EXPECT_NE(first_outputs(Rng(1, 0, StreamTag::Loss), 4),
              first_outputs(Rng(2, 0, StreamTag::Traffic), 4));
    EXPECT_NE(first_outputs(Rng(3, 0, StreamTag::Traffic), 4),
              first_outputs(Rng(1, 0, StreamTag::Service), 4));
    EXPECT_NE(first_outputs(Rng(257, 5, StreamTag::Traffic), 4),
              first_outputs(Rng(1281, 1, StreamTag::Traffic), 4));
}

TEST(Rng, BelowStaysInRange) {
    Rng rng(3);
    for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 1000ULL, (1ULL << 63) + 1, ~0ULL}) {
        for (int i = 0; i < 10'000; ++i)
            ASSERT_LT(rng.below(n), n) << "n = " << n;
    }
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(rng.below(1), 0u);
}

TEST(Rng, BelowIsUniformOverSmallRanges) {
    constexpr std::size_t kBins = 100;
    constexpr std::uint64_t kDraws = 1'000'000;
    Rng rng(2024);
    std::array<std::uint64_t, kBins> counts{};
    for (std::uint64_t i = 0; i < kDraws; ++i)
        ++counts[rng.below(kBins)];
    const double chi2 = chi_square(counts, static_cast<double>(kDraws) / kBins);
    EXPECT_LT(chi2, chi_square_critical_1e9(kBins - 1));
    EXPECT_GT(chi2, 0.0);
}

TEST(Rng, BelowHasNoModuloBiasForLargeRanges) {
    // n ~ 2/3 * 2^64: `next() % n` would hit the lower half of [0, n) twice as often as
    // the upper half. Lemire's method with rejection must give three equally likely thirds.
    constexpr std::uint64_t n = 0xAAAAAAAAAAAAAAABULL;
    constexpr std::uint64_t kDraws = 300'000;
    Rng rng(99);
    std::array<std::uint64_t, 3> counts{};
    for (std::uint64_t i = 0; i < kDraws; ++i)
        ++counts[rng.below(n) / (n / 3 + 1)];
    EXPECT_LT(chi_square(counts, kDraws / 3.0), chi_square_critical_1e9(2));
}

TEST(Rng, Uniform01IsInHalfOpenUnitIntervalWithMeanOneHalf) {
    constexpr int kDraws = 100'000;
    Rng rng(11);
    Rng open_rng(11);
    double sum = 0;
    for (int i = 0; i < kDraws; ++i) {
        const double u = rng.uniform01();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
        const double v = open_rng.uniform01_open0();
        ASSERT_GT(v, 0.0);
        ASSERT_LE(v, 1.0);
    }
    // Standard error of the mean of U(0,1) is sqrt(1/12 / n); allow 5 of them.
    EXPECT_NEAR(sum / kDraws, 0.5, 5 * std::sqrt(1.0 / 12 / kDraws));
}

TEST(Rng, Uniform01UsesTheTop53Bits) {
    Rng a(5);
    Rng b(5);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(a.uniform01(), static_cast<double>(b.next() >> 11) / 9007199254740992.0);
    }
}

TEST(StableHash, IsFnv1a) {
    // Published FNV-1a 64-bit test vectors.
    EXPECT_EQ(stable_hash(""), 0xcbf29ce484222325ULL);
    EXPECT_EQ(stable_hash("a"), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(stable_hash("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace sim
