// Routing tables over the infrastructure graph (routers and servers; phones are leaves
// and never transit). A Routing is an immutable snapshot of the network's state (which
// link directions are up, their measured queueing delays); tables are computed from it
// lazily, one Dijkstra per destination, and cached. Routes change by publishing a new
// snapshot, never by editing one that packets are using.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "sim/net/routing_policy.hpp"
#include "sim/net/spec.hpp"

namespace sim::net {

/// State of every link direction (index 2 * link + 0 for from->to, + 1 for to->from).
struct LinkState {
    std::vector<char> up;               ///< 1 if the direction carries traffic
    std::vector<Duration> queue_delay;  ///< measured, smoothed; used by adaptive policies
    static LinkState all_up(std::size_t links) {
        return {std::vector<char>(2 * links, 1), std::vector<Duration>(2 * links, Duration{0})};
    }
};

class Routing {
public:
    /// Only infrastructure nodes (routers, servers) and the links between them are kept:
    /// tables and graph are sized by those, whatever the number of phones.
    Routing(const std::vector<NodeKind>& kinds, const std::vector<LinkSpec>& links,
            std::shared_ptr<const RoutingPolicy> policy, LinkState state);
    ~Routing();
    Routing(Routing&&) noexcept;

    const RoutingPolicy& policy() const { return *policy_; }
    const LinkState& state() const { return state_; }

    /// Next node from `at` toward infrastructure node `dest`; kNoNode if unreachable or
    /// at == dest. With a multipath policy, `flow` picks among equal-cost next hops.
    NodeIndex next_hop(NodeIndex at, NodeIndex dest, std::uint64_t flow = 0);
    /// The policy's cost from `from` to `dest`; nullopt if unreachable.
    std::optional<std::int64_t> route_cost(NodeIndex from, NodeIndex dest);
    /// Sum of propagation latencies along the policy's route; nullopt if unreachable.
    std::optional<Duration> route_latency(NodeIndex from, NodeIndex dest);
    /// Least propagation latency from `from` to `dest` over the links that are up, whatever
    /// the policy (for nearest-server selection); nullopt if unreachable.
    std::optional<Duration> least_latency(NodeIndex from, NodeIndex dest);

    /// Number of destination tables computed so far.
    std::size_t tables() const { return tables_.size(); }

private:
    /// Indexed by dense infrastructure index.
    struct Table {
        std::vector<NodeIndex> next;        ///< next hop (a node index) toward the destination
        std::vector<std::int64_t> cost;     ///< cost to the destination; -1 unreachable
        std::vector<std::int64_t> latency;  ///< latency along that route, ns; -1 unreachable
    };
    struct OutEdge {
        NodeIndex to;  ///< dense index
        std::int64_t cost;
        std::int64_t latency;
    };
    struct Graph;
    /// Table toward infrastructure node `dest`; nullptr if `dest` is a phone.
    const Table* table(NodeIndex dest, bool by_latency);
    /// Dense infrastructure index of a node; kNoNode for phones and unknown nodes.
    NodeIndex dense(NodeIndex node) const {
        return node < dense_of_.size() ? dense_of_[node] : kNoNode;
    }

    std::shared_ptr<const RoutingPolicy> policy_;
    LinkState state_;
    std::vector<NodeIndex> dense_of_;        ///< node -> dense index, kNoNode for phones
    std::vector<NodeIndex> node_of_;         ///< dense index -> node
    std::vector<std::vector<OutEdge>> out_;  ///< per dense node, directions that are up
    std::unique_ptr<Graph> graph_;           ///< reversed edges, for Dijkstra from a destination
    std::unordered_map<NodeIndex, Table> tables_;
    std::unordered_map<NodeIndex, Table> latency_tables_;
};

}  // namespace sim::net
