#include "sim/net/routing_policy.hpp"

namespace sim::net {

std::int64_t MinHopPolicy::link_cost(const LinkSpec& link, Duration /*queue_delay*/) const {
    // One hop outweighs any plausible path latency (2^40 ns is about 18 minutes), so hop
    // count decides and latency only breaks ties.
    constexpr std::int64_t kHop = std::int64_t{1} << 40;
    return kHop + link.latency.count();
}

}  // namespace sim::net
