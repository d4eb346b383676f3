// Tests of random quantities (sim/core/distribution): sample means against mean() within
// a few standard errors, truncation and rounding rules, and the human-readable form.
#include "sim/core/distribution.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "sim/core/stats.hpp"

namespace sim {
namespace {

constexpr int kSamples = 100'000;
constexpr double kSigmas = 5.0;  // false-alarm rate about 6e-7 per check; seeds are fixed

/// Draws kSamples and checks the sample mean against mean() within kSigmas standard
/// errors, the standard error estimated from the sample itself.
void expect_sample_mean_matches(const Distribution& d, std::uint64_t seed) {
    Rng rng(seed);
    RunningStats s;
    for (int i = 0; i < kSamples; ++i)
        s.add(d.sample(rng));
    const double standard_error = std::sqrt(s.variance() / kSamples);
    EXPECT_NEAR(s.mean(), d.mean(), kSigmas * standard_error) << d.describe();
}

TEST(Distribution, ConstantAlwaysReturnsItsValue) {
    Rng rng(1);
    const Distribution d = Distribution::constant(3.5);
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(d.sample(rng), 3.5);
    EXPECT_EQ(d.mean(), 3.5);
    EXPECT_FALSE(d.is_zero());
    EXPECT_TRUE(Distribution::constant(0).is_zero());
    EXPECT_TRUE(Distribution().is_zero());
    EXPECT_FALSE(Distribution::exponential(0).is_zero());
}

TEST(Distribution, ExponentialSampleMeanMatchesItsMean) {
    expect_sample_mean_matches(Distribution::exponential(200'000), 1);
}

TEST(Distribution, UniformSampleMeanMatchesItsMeanAndStaysInRange) {
    const Distribution d = Distribution::uniform(10, 30);
    EXPECT_EQ(d.mean(), 20);
    expect_sample_mean_matches(d, 2);
    Rng rng(3);
    for (int i = 0; i < 10'000; ++i) {
        const double x = d.sample(rng);
        ASSERT_GE(x, 10);
        ASSERT_LT(x, 30);
    }
}

TEST(Distribution, NormalFarFromZeroSampleMeanMatchesItsMean) {
    const Distribution d = Distribution::normal(1000, 100);
    EXPECT_NEAR(d.mean(), 1000, 1e-9);  // truncation at 0 is 10 sigma away
    expect_sample_mean_matches(d, 4);
}

TEST(Distribution, TruncatedNormalSampleMeanMatchesTheTruncatedMean) {
    // Mean 1, stddev 2: about 31 % of the untruncated mass is below 0.
    expect_sample_mean_matches(Distribution::normal(1, 2), 5);
    // Mean 0: the half-normal, whose mean is sigma * sqrt(2 / pi).
    const Distribution half = Distribution::normal(0, 3);
    EXPECT_NEAR(half.mean(), 3 * std::sqrt(2 / std::numbers::pi), 1e-12);
    expect_sample_mean_matches(half, 6);
}

TEST(Distribution, NormalTruncatedAtZeroIsNeverNegative) {
    Rng rng(7);
    const Distribution d = Distribution::normal(0, 5);
    for (int i = 0; i < kSamples; ++i)
        ASSERT_GE(d.sample(rng), 0.0);
}

TEST(Distribution, NormalWithZeroStddevIsItsMean) {
    Rng rng(8);
    const Distribution d = Distribution::normal(4, 0);
    EXPECT_EQ(d.mean(), 4);
    EXPECT_EQ(d.sample(rng), 4);
}

TEST(Distribution, LognormalSampleMeanMatchesItsMean) {
    const Distribution d = Distribution::lognormal(50, 0.5);
    EXPECT_NEAR(d.mean(), 50 * std::exp(0.125), 1e-12);
    expect_sample_mean_matches(d, 9);
}

TEST(Distribution, LognormalSampleMedianMatchesItsMedian) {
    constexpr double median = 50;
    constexpr double sigma = 0.5;
    Rng rng(10);
    const Distribution d = Distribution::lognormal(median, sigma);
    std::vector<double> xs(kSamples);
    for (double& x : xs)
        x = d.sample(rng);
    std::sort(xs.begin(), xs.end());
    // Standard error of a sample median: 1 / (2 f(m) sqrt(n)), with the lognormal density
    // at its median f(m) = 1 / (m sigma sqrt(2 pi)).
    const double standard_error =
        median * sigma * std::sqrt(2 * std::numbers::pi) / (2 * std::sqrt(double{kSamples}));
    EXPECT_NEAR(quantile_sorted(xs, 0.5), median, kSigmas * standard_error);
}

TEST(Distribution, ParetoSampleMeanMatchesItsMeanAndRespectsItsScale) {
    // Shape 5: the variance is finite, so the standard error is meaningful.
    const Distribution d = Distribution::pareto(2, 5);
    EXPECT_NEAR(d.mean(), 2.5, 1e-12);
    expect_sample_mean_matches(d, 11);
    Rng rng(12);
    for (int i = 0; i < 10'000; ++i)
        ASSERT_GE(d.sample(rng), 2.0);
}

TEST(Distribution, ParetoMeanIsInfiniteForShapeAtMostOne) {
    EXPECT_EQ(Distribution::pareto(1, 1).mean(), std::numeric_limits<double>::infinity());
    EXPECT_EQ(Distribution::pareto(1, 0.5).mean(), std::numeric_limits<double>::infinity());
}

TEST(Distribution, StandardNormalHasMeanZeroAndVarianceOne) {
    Rng rng(13);
    RunningStats s;
    for (int i = 0; i < kSamples; ++i)
        s.add(standard_normal(rng));
    EXPECT_NEAR(s.mean(), 0, kSigmas / std::sqrt(double{kSamples}));
    // The sample variance of n normals has standard error sqrt(2 / (n - 1)).
    EXPECT_NEAR(s.variance(), 1, kSigmas * std::sqrt(2.0 / (kSamples - 1)));
}

TEST(Distribution, SampleDurationRoundsToTheNearestNanosecond) {
    Rng rng(14);
    EXPECT_EQ(Distribution::constant(1.4).sample_duration(rng), Duration{1});
    EXPECT_EQ(Distribution::constant(1.5).sample_duration(rng), Duration{2});
    EXPECT_EQ(Distribution::constant(2600.7).sample_duration(rng), Duration{2601});
    EXPECT_EQ(Distribution::constant(0).sample_duration(rng), Duration{0});
}

TEST(Distribution, SampleDurationIsNeverNegative) {
    Rng rng(15);
    EXPECT_EQ(Distribution::constant(-3).sample_duration(rng), Duration{0});
    EXPECT_EQ(Distribution::constant(std::nan("")).sample_duration(rng), Duration{0});
    const Distribution d = Distribution::uniform(-100, 10);
    for (int i = 0; i < 10'000; ++i)
        ASSERT_GE(d.sample_duration(rng).count(), 0);
}

TEST(Distribution, SampleDurationClampsHugeValuesWithoutOverflow) {
    Rng rng(16);
    const Duration huge = Distribution::constant(1e30).sample_duration(rng);
    EXPECT_GT(huge.count(), 0);
    EXPECT_LE(huge.count(), INT64_MAX / 4);
    EXPECT_EQ(Distribution::constant(std::numeric_limits<double>::infinity())
                  .sample_duration(rng)
                  .count(),
              huge.count());
}

TEST(Distribution, DescribesItselfReadably) {
    EXPECT_EQ(Distribution::constant(3).describe(), "3");
    EXPECT_EQ(Distribution::constant(0).describe(), "0");
    EXPECT_EQ(Distribution::exponential(200000).describe(), "exponential(mean=200000)");
    EXPECT_EQ(Distribution::uniform(1, 2.5).describe(), "uniform(1, 2.5)");
    EXPECT_EQ(Distribution::normal(10, 0.25).describe(), "normal(mean=10, stddev=0.25)");
    EXPECT_EQ(Distribution::lognormal(100, 1.5).describe(), "lognormal(median=100, sigma=1.5)");
    EXPECT_EQ(Distribution::pareto(2, 1.1).describe(), "pareto(scale=2, shape=1.1)");
}

TEST(Distribution, ExposesItsKindAndParameters) {
    const Distribution d = Distribution::uniform(1, 2);
    EXPECT_EQ(d.kind(), Distribution::Kind::Uniform);
    EXPECT_EQ(d.param_a(), 1);
    EXPECT_EQ(d.param_b(), 2);
}

}  // namespace
}  // namespace sim
