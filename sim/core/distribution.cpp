#include "sim/core/distribution.hpp"

#include <cmath>
#include <limits>
#include <numbers>

namespace sim {

double standard_normal(Rng& rng) {
    const double u1 = rng.uniform01_open0();
    const double u2 = rng.uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Distribution::sample(Rng& rng) const {
    switch (kind_) {
        case Kind::Constant:
            return a_;
        case Kind::Exponential:
            return -std::log(rng.uniform01_open0()) * a_;
        case Kind::Uniform:
            return a_ + (b_ - a_) * rng.uniform01();
        case Kind::Normal: {
            // Truncation by rejection; the loader requires mean >= 0, so each try
            // succeeds with probability >= 1/2.
            for (;;) {
                const double x = a_ + b_ * standard_normal(rng);
                if (x >= 0) return x;
            }
        }
        case Kind::Lognormal:
            return a_ * std::exp(b_ * standard_normal(rng));
        case Kind::Pareto:
            return a_ / std::pow(rng.uniform01_open0(), 1.0 / b_);
    }
    return a_;
}

Duration Distribution::sample_duration(Rng& rng) const {
    const double v = sample(rng);
    if (!(v > 0)) return Duration{0};
    // Clamp far beyond any run (~73 years) so sums of draws cannot overflow.
    constexpr std::int64_t kCap = INT64_MAX / 4;
    if (v >= static_cast<double>(kCap)) return Duration{kCap};
    return Duration{std::llround(v)};
}

double Distribution::mean() const {
    switch (kind_) {
        case Kind::Constant:
        case Kind::Exponential:
            return a_;
        case Kind::Uniform:
            return (a_ + b_) / 2;
        case Kind::Normal: {
            // Mean of a normal truncated to [0, inf): mu + sigma * phi(a) / (1 - Phi(a)).
            if (b_ == 0) return a_;
            const double alpha = -a_ / b_;
            const double phi = std::exp(-alpha * alpha / 2) / std::sqrt(2 * std::numbers::pi);
            const double tail = 0.5 * std::erfc(alpha / std::numbers::sqrt2);
            return a_ + b_ * phi / tail;
        }
        case Kind::Lognormal:
            return a_ * std::exp(b_ * b_ / 2);
        case Kind::Pareto:
            return b_ <= 1 ? std::numeric_limits<double>::infinity() : b_ * a_ / (b_ - 1);
    }
    return a_;
}

std::string Distribution::describe() const {
    auto num = [](double v) {
        std::string s = std::to_string(v);
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s;
    };
    switch (kind_) {
        case Kind::Constant:
            return num(a_);
        case Kind::Exponential:
            return "exponential(mean=" + num(a_) + ")";
        case Kind::Uniform:
            return "uniform(" + num(a_) + ", " + num(b_) + ")";
        case Kind::Normal:
            return "normal(mean=" + num(a_) + ", stddev=" + num(b_) + ")";
        case Kind::Lognormal:
            return "lognormal(median=" + num(a_) + ", sigma=" + num(b_) + ")";
        case Kind::Pareto:
            return "pareto(scale=" + num(a_) + ", shape=" + num(b_) + ")";
    }
    return "?";
}

}  // namespace sim
