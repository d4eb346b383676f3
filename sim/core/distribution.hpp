// Random quantities of the scenario format (SPEC.md): a constant or a distribution.
// Values are in the quantity's base unit (nanoseconds for durations, bytes for sizes).
// Our own code on top of Rng, so golden outputs are identical on every standard library.
#pragma once

#include <cstdint>
#include <string>

#include "sim/core/rng.hpp"
#include "sim/core/time.hpp"

namespace sim {

class Distribution {
public:
    enum class Kind { Constant, Exponential, Uniform, Normal, Lognormal, Pareto };

    static Distribution constant(double v) { return {Kind::Constant, v, 0}; }
    static Distribution exponential(double mean) { return {Kind::Exponential, mean, 0}; }
    static Distribution uniform(double lo, double hi) { return {Kind::Uniform, lo, hi}; }
    /// Normal truncated at 0 (resampled until non-negative); mean >= 0.
    static Distribution normal(double mean, double stddev) { return {Kind::Normal, mean, stddev}; }
    /// Lognormal given by its median (e^mu) and sigma.
    static Distribution lognormal(double median, double sigma) {
        return {Kind::Lognormal, median, sigma};
    }
    /// Pareto (type I) with scale x_m > 0 and shape alpha > 0.
    static Distribution pareto(double scale, double shape) { return {Kind::Pareto, scale, shape}; }

    Distribution() = default;
    Kind kind() const { return kind_; }
    double param_a() const { return a_; }
    double param_b() const { return b_; }
    bool is_zero() const { return kind_ == Kind::Constant && a_ == 0; }

    double sample(Rng& rng) const;
    /// A non-negative duration draw, rounded to the nearest nanosecond.
    Duration sample_duration(Rng& rng) const;
    /// The distribution's mean (infinite for Pareto with shape <= 1).
    double mean() const;
    /// Human-readable form, e.g. "exponential(mean=200000)".
    std::string describe() const;

private:
    Distribution(Kind k, double a, double b) : kind_(k), a_(a), b_(b) {}
    Kind kind_ = Kind::Constant;
    double a_ = 0;
    double b_ = 0;
};

/// A standard normal variate (Box-Muller, one of the pair).
double standard_normal(Rng& rng);

}  // namespace sim
