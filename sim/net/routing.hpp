// Routing tables over the infrastructure graph (routers and servers; phones are leaves
// and never transit). One Dijkstra per destination, computed lazily and cached: the
// table for destination d gives every node's next hop toward d.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/net/routing_policy.hpp"
#include "sim/net/spec.hpp"

namespace sim::net {

class Routing {
public:
    Routing(std::vector<NodeKind> kinds, std::vector<LinkSpec> links,
            std::unique_ptr<RoutingPolicy> policy);
    ~Routing();
    Routing(Routing&&) noexcept;

    const RoutingPolicy& policy() const { return *policy_; }

    /// Next node from `at` toward infrastructure node `dest`; kNoNode if unreachable or
    /// at == dest.
    NodeIndex next_hop(NodeIndex at, NodeIndex dest);
    /// Sum of propagation latencies along the policy's route from `from` to `dest`;
    /// nullopt if unreachable.
    std::optional<Duration> route_latency(NodeIndex from, NodeIndex dest);
    /// Least propagation latency from `from` to `dest` whatever the policy (for
    /// nearest-server selection); nullopt if unreachable.
    std::optional<Duration> least_latency(NodeIndex from, NodeIndex dest);

    /// Number of destination tables computed so far.
    std::size_t tables() const { return tables_.size(); }

private:
    struct Table {
        std::vector<NodeIndex> next;        ///< next hop toward the destination
        std::vector<std::int64_t> cost;     ///< policy cost to the destination
        std::vector<std::int64_t> latency;  ///< latency along that route, ns; -1 unreachable
    };
    struct Graph;
    const Table& table(NodeIndex dest, bool by_latency);

    std::vector<NodeKind> kinds_;
    std::vector<LinkSpec> links_;
    std::unique_ptr<RoutingPolicy> policy_;
    std::unique_ptr<Graph> graph_;
    std::unordered_map<NodeIndex, Table> tables_;
    std::unordered_map<NodeIndex, Table> latency_tables_;
};

}  // namespace sim::net
