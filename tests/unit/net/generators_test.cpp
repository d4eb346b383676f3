// Generated topologies: the structure each model promises (sizes, degrees, connectivity)
// and determinism: one seed, one graph; another seed, another graph.
#include "sim/net/generators.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <utility>

namespace sim::net {
namespace {

using namespace std::chrono_literals;

// Parameters set field by field (designated initializers that skip fields trip GCC's
// -Wmissing-field-initializers).
GridParams grid_p(std::size_t rows, std::size_t cols) {
    GridParams p;
    p.rows = rows;
    p.cols = cols;
    return p;
}
TreeParams tree_p(std::size_t depth, std::size_t fanout) {
    TreeParams p;
    p.depth = depth;
    p.fanout = fanout;
    return p;
}
BarabasiAlbertParams ba_p(std::size_t n, std::size_t m) {
    BarabasiAlbertParams p;
    p.n = n;
    p.m = m;
    return p;
}
WaxmanParams waxman_p(std::size_t n, double alpha = 0.4, double beta = 0.4) {
    WaxmanParams p;
    p.n = n;
    p.alpha = alpha;
    p.beta = beta;
    return p;
}
IspParams isp_p(std::size_t backbone, std::size_t access, std::size_t chords,
                bool dual_homed = false) {
    IspParams p;
    p.backbone = backbone;
    p.access = access;
    p.chords = chords;
    p.dual_homed = dual_homed;
    return p;
}

std::vector<std::size_t> degrees(const GeneratedTopology& t) {
    std::vector<std::size_t> d(t.ids.size(), 0);
    for (const LinkSpec& l : t.links) {
        ++d[l.a];
        ++d[l.b];
    }
    return d;
}

bool connected(const GeneratedTopology& t) {
    std::vector<std::vector<NodeIndex>> adj(t.ids.size());
    for (const LinkSpec& l : t.links) {
        adj[l.a].push_back(l.b);
        adj[l.b].push_back(l.a);
    }
    std::vector<char> seen(t.ids.size(), 0);
    std::vector<NodeIndex> stack{0};
    seen[0] = 1;
    std::size_t count = 1;
    while (!stack.empty()) {
        const NodeIndex v = stack.back();
        stack.pop_back();
        for (const NodeIndex w : adj[v]) {
            if (!seen[w]) {
                seen[w] = 1;
                ++count;
                stack.push_back(w);
            }
        }
    }
    return count == t.ids.size();
}

/// No self-loops, no two links between the same pair, ends in range, ids unique.
void expect_simple(const GeneratedTopology& t) {
    std::set<std::pair<NodeIndex, NodeIndex>> pairs;
    for (const LinkSpec& l : t.links) {
        ASSERT_LT(l.a, t.ids.size());
        ASSERT_LT(l.b, t.ids.size());
        EXPECT_NE(l.a, l.b);
        EXPECT_TRUE(pairs.insert(std::minmax(l.a, l.b)).second)
            << "parallel link " << t.ids[l.a] << "-" << t.ids[l.b];
    }
    EXPECT_EQ(std::set<std::string>(t.ids.begin(), t.ids.end()).size(), t.ids.size());
}

/// Everything that identifies the graph: ids, ends, latency, bandwidth in order.
std::vector<std::tuple<NodeIndex, NodeIndex, std::int64_t, std::uint64_t>> shape(
    const GeneratedTopology& t) {
    std::vector<std::tuple<NodeIndex, NodeIndex, std::int64_t, std::uint64_t>> s;
    for (const LinkSpec& l : t.links) {
        s.emplace_back(l.a, l.b, l.latency.count(), l.bandwidth_bps);
    }
    return s;
}

TEST(Generators, GridHasLatticeDegreesAndLinkCount) {
    const GeneratedTopology t = grid([] {
        GridParams p = grid_p(4, 5);
        p.link = {2ms, 10'000'000};
        return p;
    }());
    ASSERT_EQ(t.ids.size(), 20U);
    EXPECT_EQ(t.links.size(), 4U * 4 + 5U * 3);  // rows*(cols-1) + cols*(rows-1)
    EXPECT_EQ(t.ids.front(), "g0-0");
    EXPECT_EQ(t.ids.back(), "g3-4");
    expect_simple(t);
    EXPECT_TRUE(connected(t));
    const auto d = degrees(t);
    std::map<std::size_t, int> histogram;
    for (const std::size_t x : d) {
        ++histogram[x];
    }
    // 4 corners of degree 2, 2*(2+3) border nodes of degree 3, 2*3 inner nodes of degree 4.
    EXPECT_EQ(histogram, (std::map<std::size_t, int>{{2, 4}, {3, 10}, {4, 6}}));
    for (const LinkSpec& l : t.links) {
        EXPECT_EQ(l.latency, 2ms);
        EXPECT_EQ(l.bandwidth_bps, 10'000'000U);
    }
}

TEST(Generators, SingleRowGridIsAPath) {
    const GeneratedTopology t = grid(grid_p(1, 3));
    EXPECT_EQ(t.links.size(), 2U);
    EXPECT_TRUE(connected(t));
}

TEST(Generators, TreeHasGeometricSizeAndOneParentPerNode) {
    const GeneratedTopology t = tree(tree_p(3, 3));
    ASSERT_EQ(t.ids.size(), 1U + 3 + 9 + 27);
    EXPECT_EQ(t.links.size(), t.ids.size() - 1);
    expect_simple(t);
    EXPECT_TRUE(connected(t));
    std::vector<int> parents(t.ids.size(), 0);
    for (const LinkSpec& l : t.links) {
        EXPECT_LT(l.a, l.b);  // parent first, breadth-first numbering
        ++parents[l.b];
    }
    EXPECT_EQ(parents[0], 0);
    for (std::size_t v = 1; v < parents.size(); ++v) {
        EXPECT_EQ(parents[v], 1) << t.ids[v];
    }
    const auto d = degrees(t);
    EXPECT_EQ(d[0], 3U);                               // root: children only
    EXPECT_EQ(std::count(d.begin(), d.end(), 1), 27);  // leaves
    EXPECT_EQ(tree(tree_p(0, 5)).ids.size(), 1U);      // a lone root
}

TEST(Generators, BarabasiAlbertHasMTimesNMinusMLinksAndIsConnected) {
    Rng rng(7);
    const GeneratedTopology t = barabasi_albert(ba_p(200, 3), rng);
    EXPECT_EQ(t.ids.size(), 200U);
    EXPECT_EQ(t.links.size(), 3U * (200 - 3));
    expect_simple(t);
    EXPECT_TRUE(connected(t));
    const auto d = degrees(t);
    for (std::size_t v = 3; v < d.size(); ++v) {
        EXPECT_GE(d[v], 3U) << "node " << v << " joined with m links";
    }
    // Preferential attachment: hubs far above the mean degree (2m = 6) appear.
    EXPECT_GT(*std::max_element(d.begin(), d.end()), 20U);
}

TEST(Generators, WaxmanIsConnectedWithDistanceLatencies) {
    Rng rng(3);
    WaxmanParams p = waxman_p(60, 0.3, 0.5);
    p.side_km = 2000;
    p.inflation = 1.5;
    const GeneratedTopology t = waxman(p, rng);
    ASSERT_EQ(t.ids.size(), 60U);
    ASSERT_EQ(t.position_km.size(), 60U);
    expect_simple(t);
    EXPECT_TRUE(connected(t));
    for (const LinkSpec& l : t.links) {
        // Computed here from the positions: straight line x inflation at 2/3 c.
        const double km = std::hypot(t.position_km[l.a][0] - t.position_km[l.b][0],
                                     t.position_km[l.a][1] - t.position_km[l.b][1]);
        const double ns = km * 1000 * 1.5 / (299'792'458.0 * 2 / 3) * 1e9;
        EXPECT_NEAR(static_cast<double>(l.latency.count()), ns, 1.0);
        EXPECT_LE(km, 2000 * std::sqrt(2.0));
    }
}

TEST(Generators, SparseWaxmanIsRepairedIntoOneComponent) {
    Rng rng(11);
    const GeneratedTopology t = waxman(
        [] {
            WaxmanParams p = waxman_p(80, 0.05, 0.05);
            p.fixed_latency = 3ms;
            return p;
        }(),
        rng);
    EXPECT_GT(t.bridges, 0U);
    EXPECT_GE(t.links.size(), t.ids.size() - 1);
    expect_simple(t);
    EXPECT_TRUE(connected(t));
    for (const LinkSpec& l : t.links) {
        EXPECT_EQ(l.latency, 3ms);
    }
}

TEST(Generators, IspHasRingChordsAndAccessRouters) {
    Rng rng(5);
    const GeneratedTopology t = isp(isp_p(6, 2, 3), rng);
    ASSERT_EQ(t.ids.size(), 6U + 6 * 2);
    EXPECT_EQ(t.links.size(), 6U + 3 + 12);  // ring + chords + one uplink per access router
    EXPECT_EQ(t.ids[0], "bb0");
    EXPECT_EQ(t.ids[6], "ar0-0");
    expect_simple(t);
    EXPECT_TRUE(connected(t));
    Rng rng2(5);
    const GeneratedTopology dual = isp(isp_p(6, 2, 3, true), rng2);
    EXPECT_EQ(dual.links.size(), 6U + 3 + 24);
    expect_simple(dual);
    // Dense chords: all 15 - 6 = 9 free core pairs make the core complete.
    Rng rng3(5);
    const GeneratedTopology full = isp(isp_p(6, 0, 9), rng3);
    EXPECT_EQ(full.links.size(), 15U);
    expect_simple(full);
}

TEST(Generators, SameSeedSameGraphOtherSeedOtherGraph) {
    const auto ba = [](std::uint64_t seed) {
        Rng rng(seed, 1, StreamTag::Topology);
        return barabasi_albert(ba_p(100, 2), rng);
    };
    const auto wax = [](std::uint64_t seed) {
        Rng rng(seed, 1, StreamTag::Topology);
        return waxman(waxman_p(50), rng);
    };
    const auto core = [](std::uint64_t seed) {
        Rng rng(seed, 1, StreamTag::Topology);
        return isp(isp_p(20, 1, 10), rng);
    };
    EXPECT_EQ(shape(ba(1)), shape(ba(1)));
    EXPECT_NE(shape(ba(1)), shape(ba(2)));
    EXPECT_EQ(shape(wax(1)), shape(wax(1)));
    EXPECT_NE(shape(wax(1)), shape(wax(2)));
    EXPECT_EQ(shape(core(1)), shape(core(1)));
    EXPECT_NE(shape(core(1)), shape(core(2)));
}

TEST(Generators, ImpossibleParametersAreRefused) {
    Rng rng(1);
    EXPECT_THROW(barabasi_albert(ba_p(3, 3), rng), GeneratorError);
    EXPECT_THROW(barabasi_albert(ba_p(3, 0), rng), GeneratorError);
    // 2.5e11 links would exhaust memory: refused before any is made.
    EXPECT_THROW(barabasi_albert(ba_p(1'000'000, 500'000), rng), GeneratorError);
    EXPECT_THROW(waxman(waxman_p(0), rng), GeneratorError);
    EXPECT_THROW(waxman(waxman_p(5, 0.4, 1.5), rng), GeneratorError);
    EXPECT_THROW(grid(grid_p(0, 4)), GeneratorError);
    EXPECT_THROW(grid(grid_p(2'000'000, 2'000'000)), GeneratorError);
    EXPECT_THROW(tree(tree_p(40, 10)), GeneratorError);
    EXPECT_THROW(isp(isp_p(4, 0, 3), rng), GeneratorError);  // only 2 free pairs
    EXPECT_THROW(isp(isp_p(1, 1, 0, true), rng), GeneratorError);
}

}  // namespace
}  // namespace sim::net
