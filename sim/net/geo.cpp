#include <cmath>
#include <numbers>

#include "sim/net/spec.hpp"

namespace sim::net {

double great_circle_m(const Location& a, const Location& b) {
    constexpr double kEarthRadiusM = 6'371'008.8;  // IUGG mean radius
    constexpr double kRad = std::numbers::pi / 180.0;
    const double dlat = (b.lat - a.lat) * kRad;
    const double dlon = (b.lon - a.lon) * kRad;
    const double h =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

Duration fibre_delay(double metres) {
    constexpr double kFibreSpeed = 299'792'458.0 * 2.0 / 3.0;  // m/s
    return Duration{std::llround(metres / kFibreSpeed * 1e9)};
}

}  // namespace sim::net
