// Statistics for outputs: exact sample quantiles, running moments, and Student-t
// confidence intervals over independent replications.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace sim {

/// Streaming mean and variance (Welford), numerically stable.
class RunningStats {
public:
    void add(double x);
    std::size_t count() const { return n_; }
    double mean() const { return n_ ? mean_ : 0.0; }
    /// Unbiased sample variance (n - 1 in the denominator); 0 for n < 2.
    double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
    double max() const { return n_ ? max_ : 0.0; }

private:
    std::size_t n_ = 0;
    double mean_ = 0;
    double m2_ = 0;
    double max_ = 0;
};

/// Quantile q in [0, 1] of `sorted` (ascending) by linear interpolation between order
/// statistics (Hyndman & Fan type 7, the default of R and NumPy). 0 for an empty sample.
double quantile_sorted(const std::vector<double>& sorted, double q);

/// Two-sided Student-t critical value t_{1-alpha/2, df}, e.g. 12.706 for (0.05, 1).
double student_t_critical(double alpha, std::size_t df);

/// 95 % confidence interval of the mean of independent samples: mean -+ t * s / sqrt(n).
/// For n < 2 the interval collapses to the mean.
std::pair<double, double> mean_ci95(const std::vector<double>& samples);

}  // namespace sim
