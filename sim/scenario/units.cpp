#include "sim/scenario/units.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sim/scenario/diagnostics.hpp"

namespace sim::scenario {

using nlohmann::json;

namespace {

// A decimal number as written, kept exact: value = digits * 10^exp10. Scaling it in integer
// arithmetic is what makes "1.5s" exactly 1'500'000'000 ns ("1.5" is not a binary double).
struct Decimal {
    uint128 digits = 0;
    int exp10 = 0;
    bool negative = false;
    std::size_t length = 0;  ///< characters consumed; 0 when there is no number
};

// 19 significant digits fit in 64 bits; times a unit factor (< 10^14) they fit in 128 bits.
constexpr int kMaxDigits = 19;
constexpr int kMaxExponent = 10000;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// Reads the longest prefix of `s` of the form [+-]digits[.digits][(e|E)[+-]digits].
Decimal scan_decimal(std::string_view s) {
    Decimal d;
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) d.negative = s[i++] == '-';
    int significant = 0;
    bool any_digit = false;
    bool fraction = false;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '.' && !fraction) {
            fraction = true;
            continue;
        }
        if (!is_digit(c)) break;
        any_digit = true;
        if (significant == 0 && c == '0') {
            if (fraction) --d.exp10;
        } else if (significant < kMaxDigits) {
            d.digits = d.digits * 10 + static_cast<unsigned>(c - '0');
            ++significant;
            if (fraction) --d.exp10;
        } else if (!fraction) {
            ++d.exp10;  // digits beyond the 19th are dropped (truncation below 1e-18 relative)
        }
    }
    if (!any_digit) return {};
    // An exponent only when digits follow, so a unit starting with 'e' would still work.
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        std::size_t j = i + 1;
        bool negative_exp = false;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) negative_exp = s[j++] == '-';
        if (j < s.size() && is_digit(s[j])) {
            int e = 0;
            for (; j < s.size() && is_digit(s[j]); ++j) {
                e = std::min(kMaxExponent, e * 10 + (s[j] - '0'));
            }
            d.exp10 += negative_exp ? -e : e;
            i = j;
        }
    }
    d.length = i;
    return d;
}

// round(d * factor), half up; nullopt when above `limit`. d must be non-negative.
std::optional<std::uint64_t> scale_exact(const Decimal& d, std::uint64_t factor,
                                         std::uint64_t limit) {
    uint128 v = d.digits * factor;
    if (v == 0) return 0;
    if (d.exp10 >= 0) {
        for (int e = d.exp10; e > 0; --e) {
            if (v > limit) return std::nullopt;
            v *= 10;
        }
    } else {
        if (d.exp10 < -38) return 0;  // v < 10^33, so v / 10^39 rounds to 0
        uint128 divisor = 1;
        for (int e = d.exp10; e < 0; ++e) {
            divisor *= 10;
        }
        const uint128 remainder = v % divisor;
        v /= divisor;
        if (2 * remainder >= divisor) ++v;
    }
    if (v > limit) return std::nullopt;
    return static_cast<std::uint64_t>(v);
}

double to_double(const Decimal& d) {
    const double v = static_cast<double>(d.digits) * std::pow(10.0, d.exp10);
    return d.negative ? -v : v;
}

// The text of a JSON number as written, so that 0.1 is read as the decimal 0.1.
std::string number_text(const json& value) {
    if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
    if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
    const double v = value.get<double>();
    if (!std::isfinite(v)) throw UnitError("expected a finite number, got " + describe(value));
    return value.dump();  // shortest text that reads back as the same double
}

struct Unit {
    std::string_view name;
    std::uint64_t factor;
};

struct Quantity {
    std::string_view noun;     ///< "a duration"
    std::string_view example;  ///< "5ms"
    std::string_view bare;     ///< what a bare number means: "seconds"
    std::span<const Unit> units;
    std::uint64_t bare_factor;
    std::uint64_t limit;
    std::string_view limit_text;
};

// clang-format off
constexpr std::array kDurationUnits{
    Unit{"ns", 1},
    Unit{"us", 1'000},
    Unit{"\u00b5s", 1'000},  // micro sign
    Unit{"\u03bcs", 1'000},  // Greek mu
    Unit{"ms", 1'000'000},
    Unit{"s", 1'000'000'000},
    Unit{"min", 60'000'000'000},
    Unit{"h", 3'600'000'000'000},
    Unit{"d", 86'400'000'000'000},
};
constexpr std::array kBandwidthUnits{
    Unit{"bps", 1},
    Unit{"kbps", 1'000},
    Unit{"Kbps", 1'000},
    Unit{"Mbps", 1'000'000},
    Unit{"Gbps", 1'000'000'000},
    Unit{"Tbps", 1'000'000'000'000},
};
constexpr std::array kSizeUnits{
    Unit{"B", 1},
    Unit{"kB", 1'000},
    Unit{"KB", 1'000},
    Unit{"MB", 1'000'000},
    Unit{"GB", 1'000'000'000},
    Unit{"TB", 1'000'000'000'000},
    Unit{"KiB", std::uint64_t{1} << 10},
    Unit{"MiB", std::uint64_t{1} << 20},
    Unit{"GiB", std::uint64_t{1} << 30},
    Unit{"TiB", std::uint64_t{1} << 40},
};
// clang-format on

constexpr Quantity kDuration{
    .noun = "a duration",
    .example = "5ms",
    .bare = "seconds",
    .units = kDurationUnits,
    .bare_factor = 1'000'000'000,
    .limit = static_cast<std::uint64_t>(kMaxDuration.count()),
    .limit_text = "100 years",
};
constexpr Quantity kBandwidth{
    .noun = "a bandwidth",
    .example = "10Mbps",
    .bare = "bit/s",
    .units = kBandwidthUnits,
    .bare_factor = 1,
    .limit = kMaxBandwidthBps,
    .limit_text = "1 Pbit/s",
};
constexpr Quantity kSize{
    .noun = "a size",
    .example = "1500B",
    .bare = "bytes",
    .units = kSizeUnits,
    .bare_factor = 1,
    .limit = kMaxSizeBytes,
    .limit_text = "1 PiB",
};

std::string unit_list(std::span<const Unit> units) {
    std::string out;
    for (const Unit& u : units) {
        // The non-ASCII spellings of "us" are accepted, not advertised.
        if (static_cast<unsigned char>(u.name.front()) >= 0x80) continue;
        if (!out.empty()) out += ", ";
        out += u.name;
    }
    return out;
}

std::string expected(const Quantity& q) {
    return "expected " + std::string(q.noun) + " like \"" + std::string(q.example) + "\"";
}

std::uint64_t parse_quantity(const json& value, const Quantity& q) {
    std::string text;
    std::uint64_t factor = q.bare_factor;
    if (value.is_number()) {
        text = number_text(value);
    } else if (value.is_string()) {
        text = value.get<std::string>();
    } else {
        throw UnitError(expected(q) + ", got " + describe(value));
    }
    const std::string_view all = trim(text);
    const Decimal d = scan_decimal(all);
    if (d.length == 0) throw UnitError(expected(q) + ", got " + describe(value));
    if (value.is_string()) {
        const std::string_view unit = trim(all.substr(d.length));
        if (unit.empty()) {
            throw UnitError(expected(q) + ", got " + describe(value) +
                            " (a string needs a unit; a bare number means " + std::string(q.bare) +
                            ")");
        }
        const Unit* found = nullptr;
        for (const Unit& u : q.units) {
            if (u.name == unit) found = &u;
        }
        if (found == nullptr) {
            std::vector<std::string> names;
            for (const Unit& u : q.units) {
                names.emplace_back(u.name);
            }
            std::string reason =
                expected(q) + ", got " + describe(value) + ": unknown unit " + in_quotes(unit);
            if (auto near = closest(unit, names)) {
                reason += "; did you mean " + in_quotes(*near) + "?";
            } else {
                reason += " (units: " + unit_list(q.units) + ")";
            }
            throw UnitError(reason);
        }
        factor = found->factor;
    } else if (d.length != all.size()) {
        throw UnitError(expected(q) + ", got " + describe(value));  // cannot happen for JSON
    }
    if (d.negative && d.digits != 0) {
        throw UnitError("must not be negative, got " + describe(value));
    }
    const auto result = scale_exact(d, factor, q.limit);
    if (!result) {
        throw UnitError("too large: " + describe(value) + " (at most " + std::string(q.limit_text) +
                        ")");
    }
    return *result;
}

// --- random quantities ---------------------------------------------------------------

struct DistributionForm {
    std::string_view name;
    std::string_view first;   ///< key of parameter a
    std::string_view second;  ///< key of parameter b, or ""
    bool second_is_number;    ///< b is a plain number (sigma, shape), not a quantity
};

constexpr std::array kDistributionForms{
    DistributionForm{"exponential", "mean", "", false},
    DistributionForm{"uniform", "min", "max", false},
    DistributionForm{"normal", "mean", "stddev", false},
    DistributionForm{"lognormal", "median", "sigma", true},
    DistributionForm{"pareto", "scale", "shape", true},
};

// Calls parse(value) and attributes a failure to the field `key` of the distribution.
template <class F>
auto at_field(std::string_view key, F&& parse) {
    try {
        return parse();
    } catch (const UnitError& e) {
        throw UnitError(e.what(), "/" + std::string(key) + e.where());
    }
}

double plain_number(const json& v, double lo, double hi, std::string_view what) {
    if (!v.is_number()) throw UnitError("expected a number, got " + describe(v));
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi) {
        throw UnitError(std::string(what) + " must be in [" + json(lo).dump() + ", " +
                        json(hi).dump() + "], got " + describe(v));
    }
    return x;
}

Distribution parse_random(const json& value, const Quantity& q) {
    if (value.is_string() || value.is_number()) {
        return Distribution::constant(static_cast<double>(parse_quantity(value, q)));
    }
    if (!value.is_object()) {
        throw UnitError(expected(q) + " or a distribution like {\"dist\": \"exponential\", " +
                        "\"mean\": \"" + std::string(q.example) + "\"}, got " + describe(value));
    }
    const auto dist_it = value.find("dist");
    if (dist_it == value.end()) {
        throw UnitError(
            "a distribution object needs \"dist\" (exponential, uniform, normal, "
            "lognormal or pareto)");
    }
    if (!dist_it->is_string()) {
        throw UnitError("expected a string, got " + describe(*dist_it), "/dist");
    }
    const std::string& name = dist_it->get_ref<const std::string&>();
    const DistributionForm* form = nullptr;
    std::vector<std::string> names;
    for (const DistributionForm& f : kDistributionForms) {
        names.emplace_back(f.name);
        if (f.name == name) form = &f;
    }
    if (form == nullptr) {
        throw UnitError(
            "unknown distribution " + in_quotes(name) + suggestion(name, names, "known"), "/dist");
    }
    std::vector<std::string> keys{"dist", std::string(form->first)};
    if (!form->second.empty()) keys.emplace_back(form->second);
    for (const auto& [key, v] : value.items()) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            throw UnitError("unknown key for the " + name + " distribution" +
                                suggestion(key, keys, "valid keys"),
                            "/" + key);
        }
    }
    for (const std::string& key : keys) {
        if (!value.contains(key)) {
            throw UnitError("the " + name + " distribution needs " + in_quotes(key));
        }
    }
    const auto quantity = [&](std::string_view key) {
        return at_field(key, [&] {
            return static_cast<double>(parse_quantity(value.at(std::string(key)), q));
        });
    };
    const double a = quantity(form->first);
    double b = 0;
    if (form->second_is_number) {
        const double hi = name == "lognormal" ? 10.0 : 1000.0;
        b = at_field(form->second, [&] {
            return plain_number(value.at(std::string(form->second)), 0, hi,
                                std::string(form->second));
        });
    } else if (!form->second.empty()) {
        b = quantity(form->second);
    }
    if (name == "exponential") return Distribution::exponential(a);
    if (name == "uniform") {
        if (b < a) throw UnitError("\"max\" must not be less than \"min\"", "/max");
        return Distribution::uniform(a, b);
    }
    if (name == "normal") return Distribution::normal(a, b);
    if (name == "lognormal") {
        if (a <= 0) throw UnitError("the median of a lognormal must be positive", "/median");
        return Distribution::lognormal(a, b);
    }
    if (a <= 0) throw UnitError("the scale (minimum) of a pareto must be positive", "/scale");
    if (b <= 0) throw UnitError("the shape of a pareto must be positive", "/shape");
    return Distribution::pareto(a, b);
}

}  // namespace

Duration parse_duration(const json& value) {
    return Duration{static_cast<std::int64_t>(parse_quantity(value, kDuration))};
}

std::uint64_t parse_bandwidth(const json& value) {
    const std::uint64_t bps = parse_quantity(value, kBandwidth);
    if (bps == 0) throw UnitError("a bandwidth must be positive, got " + describe(value));
    return bps;
}

std::uint64_t parse_size(const json& value) {
    if (value.is_number() && !value.is_number_integer()) {
        throw UnitError("a size without a unit is a whole number of bytes, got " + describe(value));
    }
    return parse_quantity(value, kSize);
}

double parse_rate(const json& value) {
    constexpr std::string_view kExpected = "expected a rate like \"10/s\" or \"3/min\", got ";
    struct PerUnit {
        std::string_view name;
        double seconds;
    };
    constexpr std::array kPer{PerUnit{"ms", 1e-3}, PerUnit{"s", 1}, PerUnit{"min", 60},
                              PerUnit{"h", 3600}, PerUnit{"d", 86400}};
    double per_s = 0;
    if (value.is_number()) {
        const Decimal d = scan_decimal(number_text(value));
        per_s = to_double(d);
    } else if (value.is_string()) {
        const std::string_view text = trim(value.get_ref<const std::string&>());
        const Decimal d = scan_decimal(text);
        std::string_view rest = trim(text.substr(d.length));
        if (d.length == 0 || rest.empty() || rest.front() != '/') {
            throw UnitError(std::string(kExpected) + describe(value));
        }
        rest = trim(rest.substr(1));
        const PerUnit* found = nullptr;
        for (const PerUnit& p : kPer) {
            if (p.name == rest) found = &p;
        }
        if (found == nullptr) {
            throw UnitError(std::string(kExpected) + describe(value) + ": unknown unit " +
                            in_quotes(rest) + " (per ms, s, min, h or d)");
        }
        per_s = to_double(d) / found->seconds;
    } else {
        throw UnitError(std::string(kExpected) + describe(value));
    }
    if (per_s < 0) throw UnitError("must not be negative, got " + describe(value));
    if (!(per_s <= kMaxRatePerS)) {
        throw UnitError("too large: " + describe(value) + " (at most 1e9/s)");
    }
    return per_s;
}

double parse_probability(const json& value) {
    if (!value.is_number()) {
        throw UnitError("expected a probability (a number in [0, 1]), got " + describe(value));
    }
    const double p = value.get<double>();
    if (!(p >= 0 && p <= 1)) {
        throw UnitError("a probability must be in [0, 1], got " + describe(value));
    }
    return p;
}

net::QueueSpec parse_queue(const json& value) {
    if (value.is_string()) {
        const std::string_view text = trim(value.get_ref<const std::string&>());
        if (text.size() > 3 && text.substr(text.size() - 3) == "pkt") {
            const std::string_view count = trim(text.substr(0, text.size() - 3));
            const Decimal d = scan_decimal(count);
            const auto packets = d.length == count.size() && !d.negative
                                     ? scale_exact(d, 1, kMaxQueuePackets)
                                     : std::nullopt;
            // Whole packets only: round-trip the count to reject "2.5pkt".
            if (!packets || static_cast<double>(*packets) != to_double(d)) {
                throw UnitError(
                    "expected a whole number of packets like \"100pkt\" (at most "
                    "1e9), got " +
                    describe(value));
            }
            return {net::QueueSpec::Unit::Packets, *packets};
        }
    }
    try {
        return {net::QueueSpec::Unit::Bytes, parse_size(value)};
    } catch (const UnitError& e) {
        // Say what a queue takes; keep specific complaints (negative, too large) as they are.
        if (std::string_view(e.what()).starts_with("expected ")) {
            throw UnitError(
                "expected a size like \"256KiB\" or a packet count like \"100pkt\", "
                "got " +
                describe(value));
        }
        throw;
    }
}

Distribution parse_random_duration(const json& value) {
    return parse_random(value, kDuration);
}

Distribution parse_random_size(const json& value) {
    return parse_random(value, kSize);
}

}  // namespace sim::scenario
