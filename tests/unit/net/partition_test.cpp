// Partitioning a topology into the parts of a parallel run: phones stay with their access
// node, regions stay together, METIS balances, and the lookahead is the least cut latency.
#include "sim/net/partition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "sim/core/rng.hpp"
#include "sim/net/generators.hpp"

using namespace sim;
using namespace sim::net;

namespace {

LinkSpec link(NodeIndex a, NodeIndex b, Duration latency) {
    LinkSpec l;
    l.a = a;
    l.b = b;
    l.latency = latency;
    l.bandwidth_bps = 1'000'000'000;
    return l;
}

/// A topology built node by node; phones are added with their access link.
struct Net {
    std::vector<NodeKind> kinds;
    std::vector<std::string> regions;
    std::vector<LinkSpec> links;
    std::vector<double> weights;

    NodeIndex add(NodeKind k, std::string region = "", double weight = 1.0) {
        kinds.push_back(k);
        regions.push_back(std::move(region));
        weights.push_back(weight);
        return static_cast<NodeIndex>(kinds.size() - 1);
    }
    void connect(NodeIndex a, NodeIndex b, Duration latency) {
        links.push_back(link(a, b, latency));
    }
    NodeIndex add_phone(NodeIndex access, double weight = 1.0) {
        const NodeIndex p = add(NodeKind::Phone, "", weight);
        connect(p, access, std::chrono::milliseconds(5));
        return p;
    }
    PartitionInput input(std::uint32_t parts, PartitionMethod m) const {
        return {kinds, regions, links, weights, parts, m};
    }
};

using std::chrono::microseconds;
using std::chrono::milliseconds;

/// Three regions like scenarios/global-regions.json: each a server (two in "eu") and a few
/// routers 1-3 ms apart; the regions joined by 40-90 ms long-haul links; phones on routers.
struct ThreeRegions {
    Net net;
    std::vector<std::vector<NodeIndex>> region_nodes;  ///< routers and servers, per region

    ThreeRegions() {
        const NodeIndex eu_r1 = net.add(NodeKind::Router);
        const NodeIndex us_r1 = net.add(NodeKind::Router);
        const NodeIndex ap_r1 = net.add(NodeKind::Router);
        const NodeIndex eu_s1 = net.add(NodeKind::Server, "eu", 50);
        const NodeIndex eu_r2 = net.add(NodeKind::Router);
        const NodeIndex us_s = net.add(NodeKind::Server, "us", 40);
        const NodeIndex ap_s = net.add(NodeKind::Server, "ap", 30);
        const NodeIndex us_r2 = net.add(NodeKind::Router);
        const NodeIndex eu_s2 = net.add(NodeKind::Server, "eu", 50);
        const NodeIndex ap_r2 = net.add(NodeKind::Router);
        net.connect(eu_r1, eu_s1, milliseconds(1));
        net.connect(eu_r1, eu_r2, milliseconds(2));
        net.connect(eu_r2, eu_s2, milliseconds(1));
        net.connect(us_r1, us_s, milliseconds(1));
        net.connect(us_r1, us_r2, milliseconds(3));
        net.connect(ap_r1, ap_s, milliseconds(2));
        net.connect(ap_r2, ap_r1, milliseconds(3));
        net.connect(eu_r2, us_r1, milliseconds(40));  // transatlantic
        net.connect(us_r2, ap_r2, milliseconds(90));  // transpacific
        net.connect(ap_r1, eu_r1, milliseconds(80));
        for (NodeIndex r : {eu_r1, eu_r2, us_r1, us_r2, ap_r1, ap_r2}) {
            net.add_phone(r, 5);
            net.add_phone(r, 5);
        }
        region_nodes = {{eu_r1, eu_r2, eu_s1, eu_s2}, {us_r1, us_r2, us_s}, {ap_r1, ap_r2, ap_s}};
    }
};

/// Routers on a rows x cols grid with links of varied latency (0.5 to 4 ms), a server every
/// few routers and two phones per router, with uneven weights.
Net grid(std::size_t rows, std::size_t cols) {
    Net net;
    std::vector<NodeIndex> at(rows * cols);
    for (std::size_t i = 0; i < rows * cols; ++i)
        at[i] = net.add(NodeKind::Router, "", 1.0 + static_cast<double>(i % 7));
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            const std::size_t i = r * cols + c;
            const auto lat = microseconds(500 + 500 * static_cast<std::int64_t>((r * 3 + c) % 8));
            if (c + 1 < cols) net.connect(at[i], at[i + 1], lat);
            if (r + 1 < rows) net.connect(at[i], at[i + cols], lat + microseconds(250));
        }
    }
    for (std::size_t i = 0; i < rows * cols; i += 5) {
        std::string region = "s";  // (not "s" + ...: GCC 12's false -Wrestrict)
        region += std::to_string(i);
        const NodeIndex s = net.add(NodeKind::Server, region, 20);
        net.connect(s, at[i], microseconds(300));
    }
    for (std::size_t i = 0; i < rows * cols; ++i) {
        net.add_phone(at[i], 2.0 + static_cast<double>(i % 3));
        net.add_phone(at[i], 1.0);
    }
    return net;
}

/// The phone's access node, found from the links (independently of the partitioner).
NodeIndex access_of(const Net& net, NodeIndex phone) {
    for (const LinkSpec& l : net.links) {
        if (l.a == phone) return l.b;
        if (l.b == phone) return l.a;
    }
    return kNoNode;
}

void expect_phones_with_access(const Net& net, const Partition& p) {
    for (NodeIndex v = 0; v < net.kinds.size(); ++v) {
        if (net.kinds[v] != NodeKind::Phone) continue;
        EXPECT_EQ(p.part_of[v], p.part_of[access_of(net, v)]) << "phone " << v;
    }
}

/// Checks cut_links, lookahead and the per-part weights against the links and weights.
void expect_consistent(const Net& net, const Partition& p) {
    ASSERT_EQ(p.part_of.size(), net.kinds.size());
    Duration least = Duration::max();
    std::vector<std::uint32_t> cut;
    for (std::uint32_t i = 0; i < net.links.size(); ++i) {
        const LinkSpec& l = net.links[i];
        if (p.part_of[l.a] != p.part_of[l.b]) {
            cut.push_back(i);
            least = std::min(least, l.latency);
        }
    }
    EXPECT_EQ(p.cut_links, cut);
    EXPECT_EQ(p.lookahead, least);
    std::vector<double> weight(p.parts, 0.0);
    for (NodeIndex v = 0; v < net.kinds.size(); ++v) {
        ASSERT_LT(p.part_of[v], p.parts);
        weight[p.part_of[v]] += net.weights[v];
    }
    ASSERT_EQ(p.weight.size(), weight.size());
    for (std::size_t i = 0; i < weight.size(); ++i)
        EXPECT_DOUBLE_EQ(p.weight[i], weight[i]);
}

}  // namespace

TEST(Partition, MethodNamesRoundTrip) {
    PartitionMethod m{};
    ASSERT_TRUE(parse_partition_method("metis", m));
    EXPECT_EQ(m, PartitionMethod::Metis);
    EXPECT_STREQ(partition_method_name(m), "metis");
    ASSERT_TRUE(parse_partition_method("region", m));
    EXPECT_EQ(m, PartitionMethod::Region);
    EXPECT_STREQ(partition_method_name(m), "region");
    EXPECT_FALSE(parse_partition_method("random", m));
}

TEST(Partition, OnePartIsEverythingInPartZero) {
    const ThreeRegions t;
    for (PartitionMethod m : {PartitionMethod::Region, PartitionMethod::Metis}) {
        if (m == PartitionMethod::Metis && !metis_available()) continue;
        const Partition p = partition_topology(t.net.input(1, m));
        EXPECT_EQ(p.parts, 1u);
        EXPECT_TRUE(std::all_of(p.part_of.begin(), p.part_of.end(),
                                [](std::uint32_t x) { return x == 0; }));
        EXPECT_TRUE(p.cut_links.empty());
        EXPECT_EQ(p.lookahead, Duration::max());
        ASSERT_EQ(p.weight.size(), 1u);
        EXPECT_DOUBLE_EQ(p.weight[0],
                         std::accumulate(t.net.weights.begin(), t.net.weights.end(), 0.0));
    }
}

TEST(Partition, RegionMethodKeepsEachRegionTogether) {
    const ThreeRegions t;
    const Partition p = partition_topology(t.net.input(3, PartitionMethod::Region));
    expect_consistent(t.net, p);
    expect_phones_with_access(t.net, p);
    std::vector<std::uint32_t> part_of_region;
    for (const auto& nodes : t.region_nodes) {
        for (NodeIndex v : nodes)
            EXPECT_EQ(p.part_of[v], p.part_of[nodes.front()]) << "node " << v;
        part_of_region.push_back(p.part_of[nodes.front()]);
    }
    std::sort(part_of_region.begin(), part_of_region.end());
    EXPECT_EQ(part_of_region, (std::vector<std::uint32_t>{0, 1, 2}));
    // Only the three long-haul links are cut.
    EXPECT_EQ(p.cut_links.size(), 3u);
    EXPECT_EQ(p.lookahead, milliseconds(40));
    // The heaviest region (eu: 2 x 50 + 2 routers + 4 phones x 5) goes first, onto part 0.
    EXPECT_EQ(p.part_of[t.region_nodes[0][0]], 0u);
}

TEST(Partition, RegionMethodPacksRegionsOntoFewerParts) {
    const ThreeRegions t;
    const Partition p = partition_topology(t.net.input(2, PartitionMethod::Region));
    expect_consistent(t.net, p);
    // eu (weight 122) alone; us (62) and ap (52) share the other part.
    const auto part = [&](std::size_t r) { return p.part_of[t.region_nodes[r][0]]; };
    EXPECT_EQ(part(0), 0u);
    EXPECT_EQ(part(1), 1u);
    EXPECT_EQ(part(2), 1u);
    EXPECT_EQ(p.lookahead, milliseconds(40));
}

TEST(Partition, RegionMethodSplitsRegionsWhenThereAreMorePartsThanRegions) {
    const ThreeRegions t;
    const Partition p = partition_topology(t.net.input(5, PartitionMethod::Region));
    expect_consistent(t.net, p);
    expect_phones_with_access(t.net, p);
    for (std::uint32_t part = 0; part < 5; ++part)
        EXPECT_GT(p.weight[part], 0.0) << "part " << part << " is empty";
    // More parts than routers and servers: the extra parts stay empty.
    const Partition many = partition_topology(t.net.input(12, PartitionMethod::Region));
    expect_consistent(t.net, many);
    expect_phones_with_access(t.net, many);
    EXPECT_EQ(std::count(many.weight.begin(), many.weight.end(), 0.0), 2);
}

TEST(Partition, RoutersWithoutAServerFollowTheirNeighbours) {
    Net net;
    const NodeIndex s = net.add(NodeKind::Server, "a");
    const NodeIndex r = net.add(NodeKind::Router);
    const NodeIndex s2 = net.add(NodeKind::Server, "b");
    const NodeIndex lone1 = net.add(NodeKind::Router);
    const NodeIndex lone2 = net.add(NodeKind::Router);
    net.connect(s, r, milliseconds(1));
    net.connect(r, s2, milliseconds(1));  // tie: r joins the lower-index server, s
    net.connect(lone1, lone2, milliseconds(1));
    const Partition p = partition_topology(net.input(2, PartitionMethod::Region));
    expect_consistent(net, p);
    EXPECT_EQ(p.part_of[r], p.part_of[s]);
    EXPECT_NE(p.part_of[s], p.part_of[s2]);
    EXPECT_EQ(p.part_of[lone1], p.part_of[lone2]);
    EXPECT_EQ(p.lookahead, milliseconds(1));
}

TEST(Partition, MetisBalancesAGridAndNeverCutsAnAccessLink) {
    if (!metis_available()) GTEST_SKIP() << "built without METIS";
    const Net net = grid(8, 10);
    for (std::uint32_t parts : {2u, 3u, 4u}) {
        const Partition p = partition_topology(net.input(parts, PartitionMethod::Metis));
        expect_consistent(net, p);
        expect_phones_with_access(net, p);
        const auto [lo, hi] = std::minmax_element(p.weight.begin(), p.weight.end());
        EXPECT_GT(*lo, 0.0);
        EXPECT_LE(*hi / *lo, 1.3) << parts << " parts";
        for (std::uint32_t i : p.cut_links) {
            EXPECT_NE(net.kinds[net.links[i].a], NodeKind::Phone);
            EXPECT_NE(net.kinds[net.links[i].b], NodeKind::Phone);
        }
    }
}

TEST(Partition, MetisAvoidsCuttingShortLinks) {
    if (!metis_available()) GTEST_SKIP() << "built without METIS";
    // Two paths a0..a5 and b0..b5 of 100 us links, joined by three 20 ms links a0-b0, a2-b2,
    // a5-b5. Counting links, {a0..a2, b0..b2} is the best balanced cut (two short links);
    // weighing them by 1/latency, the three long links are, and they keep the lookahead long.
    Net net;
    for (int i = 0; i < 12; ++i)
        net.add(NodeKind::Router);
    for (NodeIndex path : {0u, 6u}) {
        for (NodeIndex i = 0; i + 1 < 6; ++i)
            net.connect(path + i, path + i + 1, microseconds(100));
    }
    for (NodeIndex i : {0u, 2u, 5u})
        net.connect(i, 6 + i, milliseconds(20));
    const Partition p = partition_topology(net.input(2, PartitionMethod::Metis));
    expect_consistent(net, p);
    EXPECT_EQ(p.cut_links.size(), 3u);
    EXPECT_EQ(p.lookahead, milliseconds(20));
}

TEST(Partition, MetisOnAGeneratedTopologyIsDeterministic) {
    if (!metis_available()) GTEST_SKIP() << "built without METIS";
    Rng rng(7);
    WaxmanParams wp;
    wp.n = 200;
    const GeneratedTopology g = waxman(wp, rng);
    Net net;
    for (std::size_t i = 0; i < g.ids.size(); ++i)
        net.add(NodeKind::Router, "", 1.0 + static_cast<double>(i % 5));
    net.links = g.links;
    for (NodeIndex r = 0; r < 200; r += 2)
        net.add_phone(r, 3);
    const Partition a = partition_topology(net.input(4, PartitionMethod::Metis));
    const Partition b = partition_topology(net.input(4, PartitionMethod::Metis));
    expect_consistent(net, a);
    expect_phones_with_access(net, a);
    EXPECT_EQ(a.part_of, b.part_of);
    EXPECT_EQ(a.cut_links, b.cut_links);
    EXPECT_EQ(a.lookahead, b.lookahead);
    const auto [lo, hi] = std::minmax_element(a.weight.begin(), a.weight.end());
    EXPECT_LE(*hi / *lo, 1.3);
    const Partition r1 = partition_topology(net.input(4, PartitionMethod::Region));
    const Partition r2 = partition_topology(net.input(4, PartitionMethod::Region));
    EXPECT_EQ(r1.part_of, r2.part_of);
}

TEST(Partition, MetisWithMorePartsThanRoutersGivesOneEach) {
    if (!metis_available()) GTEST_SKIP() << "built without METIS";
    const ThreeRegions t;  // 10 routers and servers
    const Partition p = partition_topology(t.net.input(12, PartitionMethod::Metis));
    expect_consistent(t.net, p);
    expect_phones_with_access(t.net, p);
    EXPECT_EQ(std::count(p.weight.begin(), p.weight.end(), 0.0), 2);
}

TEST(Partition, AZeroLatencyCutGivesLookaheadZero) {
    Net net;
    const NodeIndex a = net.add(NodeKind::Server, "a");
    const NodeIndex b = net.add(NodeKind::Server, "b");
    net.connect(a, b, Duration{0});
    const Partition p = partition_topology(net.input(2, PartitionMethod::Region));
    EXPECT_EQ(p.cut_links, (std::vector<std::uint32_t>{0}));
    EXPECT_EQ(p.lookahead, Duration{0});
}

TEST(Partition, MetisWithoutMetisIsAClearError) {
    if (metis_available()) GTEST_SKIP() << "built with METIS";
    const ThreeRegions t;
    EXPECT_THROW(partition_topology(t.net.input(2, PartitionMethod::Metis)), std::invalid_argument);
}
