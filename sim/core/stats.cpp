#include "sim/core/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace sim {

void RunningStats::add(double x) {
    ++n_;
    const double d = x - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (x - mean_);
    max_ = n_ == 1 ? x : std::max(max_, x);
}

double quantile_sorted(const std::vector<double>& sorted, double q) {
    if (sorted.empty() || std::isnan(q)) return 0.0;
    const double h = (static_cast<double>(sorted.size()) - 1) * std::clamp(q, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

namespace {

// Inverse of the standard normal CDF (Acklam's rational approximation, |rel err| < 1.2e-9).
double normal_quantile(double p) {
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                   -2.759285104469687e+02, 1.383577518672690e+02,
                                   -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                   -1.556989798598866e+02, 6.680131188771972e+01,
                                   -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                   -2.400758277161838e+00, -2.549732539343734e+00,
                                   4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                   2.445134137142996e+00, 3.754408661907416e+00};
    const double plow = 0.02425;
    if (p < plow) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - plow) return -normal_quantile(1 - p);
    const double q = p - 0.5;
    const double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Two-sided tail mass A(t|n) = P(|T| <= t) of Student's t with n degrees of freedom, in
// closed form via theta = atan(t / sqrt(n)) (Abramowitz & Stegun 26.7.3 and 26.7.4).
double t_central_mass(double theta, std::size_t n) {
    const double s = std::sin(theta);
    const double c = std::cos(theta);
    const double c2 = c * c;
    double sum = 0;
    if (n % 2 == 1) {
        // 2/pi * (theta + sin cos (1 + 2/3 cos^2 + ... + (2*4..(n-3))/(1*3..(n-2)) cos^(n-3)))
        double term = 1;
        if (n > 1) {
            sum = 1;
            for (std::size_t k = 3; k + 2 <= n; k += 2) {
                term *= static_cast<double>(k - 1) / static_cast<double>(k) * c2;
                sum += term;
            }
        }
        return 2 / std::numbers::pi * (theta + (n > 1 ? s * c * sum : 0.0));
    }
    // sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ... + 1*3..(n-3)/(2*4..(n-2)) cos^(n-2))
    double term = 1;
    sum = 1;
    for (std::size_t k = 2; k + 2 <= n; k += 2) {
        term *= static_cast<double>(k - 1) / static_cast<double>(k) * c2;
        sum += term;
    }
    return s * sum;
}

}  // namespace

double student_t_critical(double alpha, std::size_t df) {
    const double p = 1 - alpha / 2;
    if (df == 0) return std::numeric_limits<double>::infinity();
    if (df == 1) return std::tan(std::numbers::pi * (p - 0.5));
    if (df == 2) return (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    if (df <= 30) {
        // Exact: bisect on theta in (0, pi/2) for A(t|df) = 1 - alpha; A is increasing.
        double lo = 0;
        double hi = std::numbers::pi / 2;
        for (int i = 0; i < 100; ++i) {
            const double mid = (lo + hi) / 2;
            (t_central_mass(mid, df) < 1 - alpha ? lo : hi) = mid;
        }
        return std::sqrt(static_cast<double>(df)) * std::tan((lo + hi) / 2);
    }
    // Cornish-Fisher expansion of t in terms of the normal quantile (Abramowitz & Stegun
    // 26.7.5); better than 1e-5 relative for df > 30 at the usual levels.
    const double z = normal_quantile(p);
    const double n = static_cast<double>(df);
    const double z2 = z * z;
    const double g1 = (z2 + 1) * z / 4;
    const double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    const double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    const double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    return z + g1 / n + g2 / (n * n) + g3 / (n * n * n) + g4 / (n * n * n * n);
}

std::pair<double, double> mean_ci95(const std::vector<double>& samples) {
    RunningStats s;
    for (double x : samples)
        s.add(x);
    if (s.count() < 2) return {s.mean(), s.mean()};
    const double half = student_t_critical(0.05, s.count() - 1) *
                        std::sqrt(s.variance() / static_cast<double>(s.count()));
    return {s.mean() - half, s.mean() + half};
}

}  // namespace sim
