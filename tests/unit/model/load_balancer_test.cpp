// Load balancers over a region's server instances, and the consistent-hash ring.
#include "sim/model/load_balancer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

using namespace sim::model;

namespace {
std::vector<std::pair<NodeIndex, std::string>> instances(int n) {
    std::vector<std::pair<NodeIndex, std::string>> v;
    for (int i = 0; i < n; ++i)
        v.emplace_back(static_cast<NodeIndex>(10 + i), "eu-" + std::to_string(i));
    return v;
}
Pool pool_of(int n, std::uint32_t vnodes = 100) {
    Pool p;
    p.region = "eu";
    for (const auto& [node, name] : instances(n))
        p.instances.push_back(node);
    p.ring = HashRing(instances(n), vnodes);
    p.placed_since_report.assign(p.instances.size(), 0);
    return p;
}
}  // namespace

TEST(HashRing, EveryInstanceOwnsAFairShareOfKeys) {
    const HashRing ring(instances(4), 100);
    EXPECT_EQ(ring.points(), 400u);
    std::map<NodeIndex, int> owned;
    for (int k = 0; k < 20000; ++k)
        ++owned[ring.owner(stable_hash("user-" + std::to_string(k)), {})];
    ASSERT_EQ(owned.size(), 4u);
    for (const auto& [node, n] : owned) {
        EXPECT_GT(n, 20000 / 4 * 0.75) << node;  // 100 points each: within 25 % of a quarter
        EXPECT_LT(n, 20000 / 4 * 1.25) << node;
    }
}

TEST(HashRing, RemovingAnInstanceMovesOnlyItsOwnKeys) {
    const HashRing ring(instances(4), 100);
    const NodeIndex removed = 12;
    int moved_elsewhere = 0, reassigned = 0;
    for (int k = 0; k < 5000; ++k) {
        const std::uint64_t key = stable_hash("user-" + std::to_string(k));
        const NodeIndex before = ring.owner(key, {});
        const NodeIndex after = ring.owner(key, [&](NodeIndex n) { return n != removed; });
        EXPECT_NE(after, removed);
        if (before == removed) {
            ++reassigned;
        } else if (before != after) {
            ++moved_elsewhere;
        }
    }
    EXPECT_EQ(moved_elsewhere, 0);  // keys of the other instances stay where they were
    EXPECT_GT(reassigned, 0);
}

TEST(HashRing, TheSameKeyAlwaysHasTheSameOwner) {
    const HashRing a(instances(3), 50), b(instances(3), 50);
    for (int k = 0; k < 100; ++k) {
        const std::uint64_t key = stable_hash("bob" + std::to_string(k));
        EXPECT_EQ(a.owner(key, {}), b.owner(key, {}));
        EXPECT_EQ(a.owner(key, {}), a.owner(key, {}));
    }
}

TEST(LoadBalancer, RoundRobinTakesEachUsableInstanceInTurn) {
    Pool p = pool_of(3);
    const auto rr = make_load_balancer("round-robin");
    BalanceRequest r;
    std::vector<NodeIndex> got;
    for (int i = 0; i < 6; ++i)
        got.push_back(rr->pick(p, r));
    EXPECT_EQ(got, (std::vector<NodeIndex>{10, 11, 12, 10, 11, 12}));
    r.usable = [](NodeIndex n) { return n != 11; };
    EXPECT_EQ(rr->pick(p, r), 10u);
    EXPECT_EQ(rr->pick(p, r), 12u);
    EXPECT_EQ(rr->pick(p, r), 10u);
}

TEST(LoadBalancer, LeastLoadedCountsReportsAndWhatItPlacedSince) {
    Pool p = pool_of(2);
    const auto ll = make_load_balancer("least-loaded");
    std::vector<std::uint64_t> load(20, 0);
    load[10] = 5;  // instance 10 reported a backlog of 5
    BalanceRequest r;
    r.reported_load = &load;
    std::map<NodeIndex, int> placed;
    for (int i = 0; i < 9; ++i)
        ++placed[ll->pick(p, r)];
    // 11 takes messages until its estimate reaches 10's: 5 + 2 on 11 then alternate.
    EXPECT_EQ(placed[11], 7);
    EXPECT_EQ(placed[10], 2);
}

TEST(LoadBalancer, ConsistentHashPutsOneRecipientOnOneInstance) {
    Pool p = pool_of(3);
    const auto ch = make_load_balancer("consistent-hash");
    BalanceRequest r;
    r.key = stable_hash("bob");
    const NodeIndex first = ch->pick(p, r);
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(ch->pick(p, r), first);
    EXPECT_EQ(make_load_balancer("none"), nullptr);
}
