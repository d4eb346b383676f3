// Simulated time: exact integer nanoseconds in strong chrono types. No floating point
// ever decides when an event happens.
#pragma once

#include <chrono>
#include <cstdint>

namespace sim {

/// 128-bit unsigned for exact intermediate products (GCC/Clang extension).
__extension__ using uint128 = unsigned __int128;

/// A span of simulated time (+-292 years at 1 ns resolution).
using Duration = std::chrono::duration<std::int64_t, std::nano>;

/// Private clock tag: simulated instants cannot be mixed with wall-clock ones.
struct SimClock {
    using rep = std::int64_t;
    using period = std::nano;
    using duration = Duration;
    using time_point = std::chrono::time_point<SimClock>;
    static constexpr bool is_steady = true;
};

/// An instant of simulated time since the start of the run.
using Time = SimClock::time_point;
inline constexpr Time kTimeZero{};
inline constexpr Time kTimeMax{Duration{INT64_MAX}};

constexpr Duration nanoseconds(std::int64_t n) {
    return Duration{n};
}

/// Serialization delay of `bytes` at `rate_bps`, rounded up to the next nanosecond.
/// Exact in 128-bit arithmetic, so it never overflows for any size or rate we accept.
constexpr Duration transmission_time(std::uint64_t bytes, std::uint64_t rate_bps) {
    const uint128 bit_ns = static_cast<uint128>(bytes) * 8u * 1'000'000'000u;
    return Duration{static_cast<std::int64_t>((bit_ns + rate_bps - 1) / rate_bps)};
}
static_assert(transmission_time(1500, 1'000'000'000) == std::chrono::microseconds{12});

/// Milliseconds as a double, for output only.
constexpr double to_ms(Duration d) {
    return static_cast<double>(d.count()) / 1e6;
}
constexpr double to_ms(Time t) {
    return to_ms(t.time_since_epoch());
}
constexpr double to_seconds(Duration d) {
    return static_cast<double>(d.count()) / 1e9;
}

}  // namespace sim
