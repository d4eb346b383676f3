// Tests of simulated time (sim/core/time): exact serialization delays in integer
// nanoseconds and the conversions used for output.
#include "sim/core/time.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace sim {
namespace {

using namespace std::chrono_literals;

TEST(TransmissionTime, IsExactForAFullFrameAtOneGigabit) {
    EXPECT_EQ(transmission_time(1500, 1'000'000'000), 12us);
    EXPECT_EQ(transmission_time(125, 1'000'000), 1ms);  // 1000 bits at 1 Mbps
    EXPECT_EQ(transmission_time(0, 1'000'000), 0ns);
}

TEST(TransmissionTime, RoundsUpToTheNextNanosecond) {
    // 8 bits at 3 bps = 2.666... s.
    EXPECT_EQ(transmission_time(1, 3), Duration{2'666'666'667});
    // 1 byte at 10 Gbps = 0.8 ns.
    EXPECT_EQ(transmission_time(1, 10'000'000'000), 1ns);
    // 64 kbps, 40 B: 320 bits / 64000 = 5 ms exactly, no round-up.
    EXPECT_EQ(transmission_time(40, 64'000), 5ms);
}

TEST(TransmissionTime, DoesNotOverflowForLargeSizesAtLowRates) {
    // 10^9 bytes at 1 bps = 8 * 10^18 ns, beyond 64-bit intermediate products.
    EXPECT_EQ(transmission_time(1'000'000'000, 1).count(), 8'000'000'000'000'000'000);
    EXPECT_EQ(transmission_time(1ULL << 40, 1ULL << 40), 8s);
}

TEST(Time, ConvertsToMillisecondsAndSecondsForOutput) {
    EXPECT_DOUBLE_EQ(to_ms(Duration{1'500'000}), 1.5);
    EXPECT_DOUBLE_EQ(to_ms(Time{Duration{250'000}}), 0.25);
    EXPECT_DOUBLE_EQ(to_ms(kTimeZero), 0.0);
    EXPECT_DOUBLE_EQ(to_seconds(Duration{2'500'000'000}), 2.5);
    EXPECT_EQ(nanoseconds(42), Duration{42});
}

TEST(Time, MaxIsTheLargestRepresentableInstant) {
    EXPECT_EQ(kTimeMax.time_since_epoch().count(), INT64_MAX);
    EXPECT_LT(kTimeZero, kTimeMax);
}

}  // namespace
}  // namespace sim
