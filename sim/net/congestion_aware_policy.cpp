#include "sim/net/routing_policy.hpp"

namespace sim::net {

std::int64_t CongestionAwarePolicy::link_cost(const LinkSpec& link, Duration queue_delay) const {
    // What a packet would see: propagation plus the wait in the queue it joins.
    return link.latency.count() + queue_delay.count();
}

}  // namespace sim::net
