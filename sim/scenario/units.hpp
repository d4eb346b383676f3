// Units of the scenario format (SPEC.md "Units"): durations, bandwidths, sizes, rates,
// probabilities and random quantities, parsed exactly into base units (ns, bit/s, bytes).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "sim/core/distribution.hpp"
#include "sim/core/time.hpp"
#include "sim/net/spec.hpp"

namespace sim::scenario {

/// A value that is not a valid quantity. what() is the human reason; where() is a JSON
/// Pointer relative to the parsed value ("" for the value itself, "/mean" for a field of a
/// distribution object), so the loader can report the exact path.
class UnitError : public std::invalid_argument {
public:
    explicit UnitError(const std::string& reason, std::string where = {})
        : std::invalid_argument(reason), where_(std::move(where)) {}
    const std::string& where() const { return where_; }

private:
    std::string where_;
};

// Upper limits: anything beyond is a typo, and staying far below INT64_MAX ns keeps sums of
// times (start + duration) free of overflow.
inline constexpr Duration kMaxDuration{3'155'760'000'000'000'000};        // 100 Julian years
inline constexpr std::uint64_t kMaxBandwidthBps = 1'000'000'000'000'000;  // 1 Pbit/s
inline constexpr std::uint64_t kMaxSizeBytes = std::uint64_t{1} << 50;    // 1 PiB
inline constexpr std::uint64_t kMaxQueuePackets = 1'000'000'000;
inline constexpr double kMaxRatePerS = 1e9;

/// "250us", "5ms", "1.5s", "2min", "1h", "30d", "10ns" (also "µs"); a bare number is
/// seconds. Exact: the decimal is scaled in integer arithmetic and rounded half up to 1 ns.
Duration parse_duration(const nlohmann::json& value);

/// Bits per second: "64kbps", "10Mbps", "1Gbps", "1Tbps", "9600bps" (SI prefixes, "Kbps"
/// accepted for k); a bare number is bit/s. Must be positive.
std::uint64_t parse_bandwidth(const nlohmann::json& value);

/// Bytes: "40B", "64KiB" (binary: KiB MiB GiB TiB), "2MB" (decimal: kB/KB MB GB TB);
/// a bare number is a whole number of bytes. Fractions with a unit round to the byte.
std::uint64_t parse_size(const nlohmann::json& value);

/// Events per second from "10/s", "3/min", "0.5/h", "2/d"; a bare number is per second.
double parse_rate(const nlohmann::json& value);

/// A JSON number in [0, 1].
double parse_probability(const nlohmann::json& value);

/// A drop-tail queue capacity: a size ("256KiB", bytes) or a packet count ("100pkt").
net::QueueSpec parse_queue(const nlohmann::json& value);

/// A random duration in ns: a plain duration (constant) or a distribution object
///   {"dist": "exponential", "mean": D}        {"dist": "uniform", "min": D, "max": D}
///   {"dist": "normal", "mean": D, "stddev": D} (truncated at 0)
///   {"dist": "lognormal", "median": D, "sigma": X}   {"dist": "pareto", "scale": D, "shape": X}
/// where D are durations and X plain positive numbers. Pareto's minimum is called `scale`.
Distribution parse_random_duration(const nlohmann::json& value);

/// A random size in bytes, same forms as parse_random_duration with sizes for D.
Distribution parse_random_size(const nlohmann::json& value);

}  // namespace sim::scenario
