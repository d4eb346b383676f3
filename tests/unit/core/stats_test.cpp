// Tests of output statistics (sim/core/stats): type-7 quantiles, Student-t critical
// values against printed tables, 95 % confidence intervals and running moments.
#include "sim/core/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace sim {
namespace {

TEST(QuantileSorted, InterpolatesBetweenOrderStatisticsLikeType7) {
    const std::vector<double> xs = {1, 2, 3, 4};
    EXPECT_DOUBLE_EQ(quantile_sorted(xs, 0.0), 1);
    EXPECT_DOUBLE_EQ(quantile_sorted(xs, 0.25), 1.75);  // h = 3 * 0.25 = 0.75
    EXPECT_DOUBLE_EQ(quantile_sorted(xs, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(quantile_sorted(xs, 1.0), 4);
    // R: quantile(c(10, 20, 30, 40, 50), c(0.9, 0.99)) = 46, 49.6
    const std::vector<double> ys = {10, 20, 30, 40, 50};
    EXPECT_DOUBLE_EQ(quantile_sorted(ys, 0.9), 46);
    EXPECT_DOUBLE_EQ(quantile_sorted(ys, 0.99), 49.6);
    EXPECT_DOUBLE_EQ(quantile_sorted(ys, 0.5), 30);
}

TEST(QuantileSorted, ReturnsTheOnlyValueOfASingletonAndZeroForEmpty) {
    EXPECT_EQ(quantile_sorted({7}, 0.0), 7);
    EXPECT_EQ(quantile_sorted({7}, 0.5), 7);
    EXPECT_EQ(quantile_sorted({7}, 1.0), 7);
    EXPECT_EQ(quantile_sorted({}, 0.5), 0);
}

TEST(QuantileSorted, ClampsQToTheUnitInterval) {
    const std::vector<double> xs = {1, 2, 3};
    EXPECT_EQ(quantile_sorted(xs, -0.5), 1);
    EXPECT_EQ(quantile_sorted(xs, 1.5), 3);
}

TEST(StudentTCritical, MatchesTheTwoSidedFivePercentTable) {
    struct Row {
        std::size_t df;
        double t;
    };
    // t_{0.975, df} from any printed table (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.2).
    for (const Row row : {Row{1, 12.706}, Row{2, 4.303}, Row{5, 2.571}, Row{10, 2.228},
                          Row{30, 2.042}, Row{100, 1.984}, Row{1000, 1.962}}) {
        EXPECT_NEAR(student_t_critical(0.05, row.df), row.t, 1e-3) << "df = " << row.df;
    }
}

TEST(StudentTCritical, MatchesTheTwoSidedOnePercentTable) {
    struct Row {
        std::size_t df;
        double t;
    };
    for (const Row row : {Row{1, 63.657}, Row{2, 9.925}, Row{10, 3.169}, Row{30, 2.750}}) {
        EXPECT_NEAR(student_t_critical(0.01, row.df), row.t, 1e-3) << "df = " << row.df;
    }
}

// Disabled until sim/core/stats.cpp is fixed: the Cornish-Fisher expansion used for
// df >= 3 is off by 1.2e-3 relative at df = 3 (3.1786 instead of 3.1824) and by 7.9e-3
// at (0.01, 3), although its comment promises 1e-4. Replications = 4 is a common choice.
TEST(StudentTCritical, IsAccurateForFewDegreesOfFreedom) {
    struct Row {
        double alpha;
        std::size_t df;
        double t;  // exact to 7 significant digits
    };
    for (const Row row : {Row{0.05, 3, 3.182446}, Row{0.05, 4, 2.776445}, Row{0.05, 6, 2.446912},
                          Row{0.01, 3, 5.840909}, Row{0.01, 4, 4.604095}, Row{0.01, 5, 4.032143},
                          Row{0.10, 3, 2.353363}}) {
        EXPECT_NEAR(student_t_critical(row.alpha, row.df), row.t, 1e-5 * row.t)
            << "alpha = " << row.alpha << ", df = " << row.df;
    }
}

TEST(StudentTCritical, IsInfiniteWithoutDegreesOfFreedom) {
    EXPECT_EQ(student_t_critical(0.05, 0), std::numeric_limits<double>::infinity());
}

TEST(MeanCi95, MatchesAHandComputedInterval) {
    // mean 3, s^2 = 2.5, s / sqrt(5) = sqrt(0.5), t_{0.975, 4} = 2.776445
    // half-width = 2.776445 * 0.7071068 = 1.963243
    const auto [lo, hi] = mean_ci95({1, 2, 3, 4, 5});
    EXPECT_NEAR(lo, 3 - 1.963243, 1e-3);
    EXPECT_NEAR(hi, 3 + 1.963243, 1e-3);
    EXPECT_DOUBLE_EQ((lo + hi) / 2, 3);
}

TEST(MeanCi95, CollapsesToTheMeanForFewerThanTwoSamples) {
    EXPECT_EQ(mean_ci95({5}), (std::pair<double, double>{5, 5}));
    EXPECT_EQ(mean_ci95({}), (std::pair<double, double>{0, 0}));
}

TEST(MeanCi95, HasZeroWidthForIdenticalSamples) {
    const auto [lo, hi] = mean_ci95({2, 2, 2});
    EXPECT_EQ(lo, 2);
    EXPECT_EQ(hi, 2);
}

TEST(RunningStats, ComputesMeanUnbiasedVarianceAndMax) {
    RunningStats s;
    for (double x : {2, 4, 4, 4, 5, 5, 7, 9})
        s.add(x);
    EXPECT_EQ(s.count(), 8u);
    EXPECT_DOUBLE_EQ(s.mean(), 5);
    EXPECT_DOUBLE_EQ(s.variance(), 32.0 / 7);  // sum of squared deviations 32, n - 1 = 7
    EXPECT_EQ(s.max(), 9);
}

TEST(RunningStats, IsZeroWhenEmptyAndHasNoVarianceForOneSample) {
    RunningStats s;
    EXPECT_EQ(s.count(), 0u);
    EXPECT_EQ(s.mean(), 0);
    EXPECT_EQ(s.variance(), 0);
    EXPECT_EQ(s.max(), 0);
    s.add(-4);
    EXPECT_EQ(s.mean(), -4);
    EXPECT_EQ(s.variance(), 0);
    EXPECT_EQ(s.max(), -4);
}

TEST(RunningStats, TracksTheMaxOfNegativeValues) {
    RunningStats s;
    for (double x : {-3, -1, -2})
        s.add(x);
    EXPECT_EQ(s.max(), -1);
}

TEST(RunningStats, StaysAccurateWithALargeOffset) {
    // The naive sum-of-squares formula loses all digits here; Welford's does not.
    RunningStats s;
    for (double x : {4, 7, 13, 16})
        s.add(1e9 + x);
    EXPECT_DOUBLE_EQ(s.mean(), 1e9 + 10);
    EXPECT_NEAR(s.variance(), 30, 1e-6);
}

}  // namespace
}  // namespace sim
