// Access profiles: named presets of link parameters ("wifi", "lte", ...) that a link takes
// through its "profile" key or its phone's "access" key. A scenario may override or add some.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "sim/core/time.hpp"
#include "sim/net/spec.hpp"

namespace sim::scenario {

/// Link parameters of a profile; an unset field falls through to the next source.
struct AccessProfile {
    std::optional<Duration> latency;  ///< one-way
    std::optional<std::uint64_t> bandwidth_bps;
    std::optional<net::LossSpec> loss;
    std::optional<net::QueueSpec> queue;
};

/// The built-in profiles of SPEC.md: wifi, lte, 5g, 3g, ethernet (all fields set).
const std::map<std::string, AccessProfile>& builtin_profiles();

}  // namespace sim::scenario
