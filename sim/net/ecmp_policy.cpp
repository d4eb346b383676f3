#include "sim/net/routing_policy.hpp"

namespace sim::net {

std::int64_t EcmpPolicy::link_cost(const LinkSpec& link, Duration /*queue_delay*/) const {
    return link.latency.count();
}

}  // namespace sim::net
