// Routing policies: how a link is weighted when routes are computed. One small class per
// policy in its own file, found by name in a registry; adding a policy is one class and
// one registry line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/net/spec.hpp"

namespace sim::net {

class RoutingPolicy {
public:
    virtual ~RoutingPolicy() = default;
    virtual std::string_view name() const = 0;
    /// Non-negative cost of crossing a link; routes minimise the sum.
    virtual std::int64_t link_cost(const LinkSpec& link) const = 0;
};

/// Least propagation latency (static).
class ShortestPathPolicy final : public RoutingPolicy {
public:
    std::string_view name() const override { return "shortest-path"; }
    std::int64_t link_cost(const LinkSpec& link) const override;
};

/// Fewest hops; among those, least latency.
class MinHopPolicy final : public RoutingPolicy {
public:
    std::string_view name() const override { return "min-hop"; }
    std::int64_t link_cost(const LinkSpec& link) const override;
};

/// The policy registered under `name`, or nullptr.
std::unique_ptr<RoutingPolicy> make_routing_policy(std::string_view name);
/// Names of the implemented policies, for messages.
std::vector<std::string> routing_policy_names();

}  // namespace sim::net
