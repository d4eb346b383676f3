// Great-circle distances and fibre delays for "latency": "auto".
#include <gtest/gtest.h>

#include "sim/net/spec.hpp"

using namespace sim;
using namespace sim::net;

TEST(Geo, ParisToBerlinIsAbout878Km) {
    // Reference: 878 km between the city centres (haversine, mean Earth radius).
    const double m = great_circle_m({48.8566, 2.3522}, {52.52, 13.405});
    EXPECT_NEAR(m / 1000, 878.0, 2.0);
}

TEST(Geo, QuarterOfTheEquatorIsAQuarterCircumference) {
    const double m = great_circle_m({0, 0}, {0, 90});
    EXPECT_NEAR(m, 6'371'008.8 * 3.14159265358979 / 2, 1.0);
}

TEST(Geo, FibreDelayIsDistanceAtTwoThirdsOfLightSpeed) {
    // 200 km at 199861.6 km/s = 1.000692 ms.
    EXPECT_EQ(fibre_delay(200'000.0).count(), 1'000'692);
    EXPECT_EQ(fibre_delay(0).count(), 0);
}
