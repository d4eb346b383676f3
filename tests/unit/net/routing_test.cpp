// Routing: next hops from per-destination Dijkstra, policies, phones as leaves.
#include "sim/net/routing.hpp"

#include <gtest/gtest.h>

#include "sim/net/topology.hpp"

using namespace sim;
using namespace sim::net;

namespace {
LinkSpec link(NodeIndex a, NodeIndex b, int ms) {
    LinkSpec l;
    l.a = a;
    l.b = b;
    l.latency = std::chrono::milliseconds(ms);
    l.bandwidth_bps = 1'000'000'000;
    return l;
}
// 0 - 1 - 2 - 3 costs 1 ms each (three hops, 3 ms); 0 - 4 - 3 costs 10 + 10 (two hops).
// Node 5 is a phone hanging off 0 and 3 would never be transit.
std::vector<NodeKind> kinds() {
    return {NodeKind::Router, NodeKind::Router, NodeKind::Router,
            NodeKind::Server, NodeKind::Router, NodeKind::Phone};
}
std::vector<LinkSpec> links() {
    return {link(0, 1, 1),  link(1, 2, 1),  link(2, 3, 1),
            link(0, 4, 10), link(4, 3, 10), link(5, 0, 1)};
}
}  // namespace

TEST(Routing, ShortestPathFollowsLeastLatency) {
    Routing r(kinds(), links(), make_routing_policy("shortest-path"));
    EXPECT_EQ(r.next_hop(0, 3), 1u);
    EXPECT_EQ(r.next_hop(1, 3), 2u);
    EXPECT_EQ(r.next_hop(2, 3), 3u);
    EXPECT_EQ(r.next_hop(3, 3), kNoNode);
    EXPECT_EQ(r.route_latency(0, 3), std::chrono::milliseconds(3));
}

TEST(Routing, MinHopPrefersFewerHopsEvenIfSlower) {
    Routing r(kinds(), links(), make_routing_policy("min-hop"));
    EXPECT_EQ(r.next_hop(0, 3), 4u);
    EXPECT_EQ(r.route_latency(0, 3), std::chrono::milliseconds(20));
    EXPECT_EQ(r.least_latency(0, 3), std::chrono::milliseconds(3));  // whatever the policy
}

TEST(Routing, PhonesAreNeverTransitNodes) {
    // Only path from 6 to 7 would go through phone 5: there is none.
    auto k = kinds();
    k.push_back(NodeKind::Router);  // 6
    k.push_back(NodeKind::Router);  // 7
    auto l = links();
    l.push_back(link(5, 6, 1));
    l.push_back(link(5, 7, 1));
    Routing r(k, l, make_routing_policy("shortest-path"));
    EXPECT_EQ(r.next_hop(6, 7), kNoNode);
    EXPECT_FALSE(r.route_latency(6, 7).has_value());
    const auto comp = connected_components(k, l);
    EXPECT_NE(comp[6], comp[7]);
    EXPECT_EQ(comp[0], comp[3]);
}

TEST(Routing, TablesAreComputedLazilyPerDestination) {
    Routing r(kinds(), links(), make_routing_policy("shortest-path"));
    EXPECT_EQ(r.tables(), 0u);
    r.next_hop(0, 3);
    r.next_hop(1, 3);
    EXPECT_EQ(r.tables(), 1u);
    r.next_hop(3, 0);
    EXPECT_EQ(r.tables(), 2u);
}

TEST(RoutingPolicy, RegistryKnowsItsPoliciesByName) {
    EXPECT_NE(make_routing_policy("shortest-path"), nullptr);
    EXPECT_NE(make_routing_policy("min-hop"), nullptr);
    EXPECT_EQ(make_routing_policy("teleport"), nullptr);
    EXPECT_EQ(routing_policy_names().size(), 2u);
}
