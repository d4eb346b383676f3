// Routing policies: how a link direction is weighted when routes are computed, and whether
// equal-cost routes are all used. One small class per policy in its own file, found by
// name in a registry; adding a policy is one class and one registry line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/net/spec.hpp"

namespace sim::net {

class RoutingPolicy {
public:
    virtual ~RoutingPolicy() = default;
    virtual std::string_view name() const = 0;
    /// Non-negative cost of sending over one link direction; routes minimise the sum.
    /// `queue_delay` is the measured (smoothed) queueing delay of that direction.
    virtual std::int64_t link_cost(const LinkSpec& link, Duration queue_delay) const = 0;
    /// Spread flows over all equal-cost next hops (ECMP) instead of taking one.
    virtual bool multipath() const { return false; }
    /// Routes depend on measured queueing delays, so they are recomputed periodically.
    virtual bool adaptive() const { return false; }
};

/// Least propagation latency (static).
class ShortestPathPolicy final : public RoutingPolicy {
public:
    std::string_view name() const override { return "shortest-path"; }
    std::int64_t link_cost(const LinkSpec& link, Duration queue_delay) const override;
};

/// Fewest hops; among those, least latency.
class MinHopPolicy final : public RoutingPolicy {
public:
    std::string_view name() const override { return "min-hop"; }
    std::int64_t link_cost(const LinkSpec& link, Duration queue_delay) const override;
};

/// Least latency, with flows hashed over all equal-cost next hops (per-flow ECMP, so a
/// flow's packets stay on one path and are not reordered by the split).
class EcmpPolicy final : public RoutingPolicy {
public:
    std::string_view name() const override { return "ecmp"; }
    std::int64_t link_cost(const LinkSpec& link, Duration queue_delay) const override;
    bool multipath() const override { return true; }
};

/// Latency plus measured queueing delay, recomputed every routing.update_interval, so
/// traffic moves off congested links (and back once they clear).
class CongestionAwarePolicy final : public RoutingPolicy {
public:
    std::string_view name() const override { return "congestion-aware"; }
    std::int64_t link_cost(const LinkSpec& link, Duration queue_delay) const override;
    bool adaptive() const override { return true; }
};

/// The policy registered under `name`, or nullptr.
std::unique_ptr<RoutingPolicy> make_routing_policy(std::string_view name);
/// Names of the implemented policies, for messages.
std::vector<std::string> routing_policy_names();

}  // namespace sim::net
