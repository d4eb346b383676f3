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
    Routing r(kinds(), links(), make_routing_policy("shortest-path"),
              LinkState::all_up(links().size()));
    EXPECT_EQ(r.next_hop(0, 3), 1u);
    EXPECT_EQ(r.next_hop(1, 3), 2u);
    EXPECT_EQ(r.next_hop(2, 3), 3u);
    EXPECT_EQ(r.next_hop(3, 3), kNoNode);
    EXPECT_EQ(r.route_latency(0, 3), std::chrono::milliseconds(3));
}

TEST(Routing, MinHopPrefersFewerHopsEvenIfSlower) {
    Routing r(kinds(), links(), make_routing_policy("min-hop"), LinkState::all_up(links().size()));
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
    Routing r(k, l, make_routing_policy("shortest-path"), LinkState::all_up(l.size()));
    EXPECT_EQ(r.next_hop(6, 7), kNoNode);
    EXPECT_FALSE(r.route_latency(6, 7).has_value());
    const auto comp = connected_components(k, l);
    EXPECT_NE(comp[6], comp[7]);
    EXPECT_EQ(comp[0], comp[3]);
}

TEST(Routing, TablesAreComputedLazilyPerDestination) {
    Routing r(kinds(), links(), make_routing_policy("shortest-path"),
              LinkState::all_up(links().size()));
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
    EXPECT_EQ(routing_policy_names().size(), 4u);
}

namespace {
// A diamond: 0 -> {1, 2} -> 3, both sides 2 ms; 0 - 4 - 3 is 10 ms.
std::vector<NodeKind> diamond_kinds() {
    return {NodeKind::Router, NodeKind::Router, NodeKind::Router, NodeKind::Server,
            NodeKind::Router};
}
std::vector<LinkSpec> diamond_links() {
    return {link(0, 1, 1), link(1, 3, 1), link(0, 2, 1),
            link(2, 3, 1), link(0, 4, 5), link(4, 3, 5)};
}
}  // namespace

TEST(Routing, EcmpSpreadsFlowsOverEqualCostNextHopsAndKeepsEachFlowOnOne) {
    Routing r(diamond_kinds(), diamond_links(), make_routing_policy("ecmp"),
              LinkState::all_up(diamond_links().size()));
    int via1 = 0, via2 = 0;
    for (std::uint64_t flow = 0; flow < 1000; ++flow) {
        const NodeIndex hop = r.next_hop(0, 3, flow);
        ASSERT_TRUE(hop == 1 || hop == 2) << hop;  // never the 10 ms detour
        (hop == 1 ? via1 : via2) += 1;
        for (int again = 0; again < 3; ++again)
            EXPECT_EQ(r.next_hop(0, 3, flow), hop);
    }
    // A fair split: Binomial(1000, 1/2) has standard deviation ~16; allow 5 sigma.
    EXPECT_NEAR(via1, 500, 80);
    EXPECT_EQ(via1 + via2, 1000);
}

TEST(Routing, SinglePathPoliciesIgnoreTheFlow) {
    Routing r(diamond_kinds(), diamond_links(), make_routing_policy("shortest-path"),
              LinkState::all_up(diamond_links().size()));
    const NodeIndex first = r.next_hop(0, 3, 0);
    for (std::uint64_t flow = 1; flow < 100; ++flow)
        EXPECT_EQ(r.next_hop(0, 3, flow), first);
}

TEST(Routing, DirectionsThatAreDownAreRoutedAround) {
    LinkState s = LinkState::all_up(diamond_links().size());
    s.up[2 * 0] = 0;  // 0 -> 1 down (1 -> 0 still up)
    s.up[2 * 2] = 0;  // 0 -> 2 down
    Routing r(diamond_kinds(), diamond_links(), make_routing_policy("shortest-path"), s);
    EXPECT_EQ(r.next_hop(0, 3), 4u);
    EXPECT_EQ(r.route_latency(0, 3), std::chrono::milliseconds(10));
    EXPECT_EQ(r.next_hop(1, 0), 0u);  // the other direction still works
}

TEST(Routing, CongestionAwareMovesOffAQueuedDirectionAndBackWhenItClears) {
    const auto links = diamond_links();
    LinkState s = LinkState::all_up(links.size());
    s.up[2 * 2] = 0;  // leave one 2 ms path (via 1) and the 10 ms detour
    Routing calm(diamond_kinds(), links, make_routing_policy("congestion-aware"), s);
    EXPECT_EQ(calm.next_hop(0, 3), 1u);
    s.queue_delay[2 * 1] = std::chrono::milliseconds(20);  // 1 -> 3 has a 20 ms queue
    Routing congested(diamond_kinds(), links, make_routing_policy("congestion-aware"), s);
    EXPECT_EQ(congested.next_hop(0, 3), 4u);
    EXPECT_EQ(congested.route_cost(0, 3), Duration(std::chrono::milliseconds(10)).count());
    s.queue_delay[2 * 1] = Duration{0};
    Routing cleared(diamond_kinds(), links, make_routing_policy("congestion-aware"), s);
    EXPECT_EQ(cleared.next_hop(0, 3), 1u);
    // shortest-path ignores queues altogether.
    s.queue_delay[2 * 1] = std::chrono::milliseconds(20);
    Routing static_routes(diamond_kinds(), links, make_routing_policy("shortest-path"), s);
    EXPECT_EQ(static_routes.next_hop(0, 3), 1u);
}
