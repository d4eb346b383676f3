#include "sim/net/generators.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <set>
#include <utility>

namespace sim::net {

namespace {

void check(bool ok, const std::string& reason) {
    if (!ok) throw GeneratorError(reason);
}

LinkSpec make_link(std::size_t a, std::size_t b, Duration latency, std::uint64_t bandwidth) {
    LinkSpec l;
    l.a = static_cast<NodeIndex>(a);
    l.b = static_cast<NodeIndex>(b);
    l.latency = latency;
    l.bandwidth_bps = bandwidth;
    return l;
}

LinkSpec make_link(std::size_t a, std::size_t b, const GeneratedLink& link) {
    return make_link(a, b, link.latency, link.bandwidth_bps);
}

std::vector<std::string> numbered(const std::string& prefix, std::size_t n) {
    std::vector<std::string> ids;
    ids.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        ids.push_back(prefix + std::to_string(i));
    }
    return ids;
}

/// Union-find over node indices, for Waxman's connectivity repair.
class DisjointSets {
public:
    explicit DisjointSets(std::size_t n) : parent_(n) {
        std::iota(parent_.begin(), parent_.end(), std::size_t{0});
    }
    std::size_t find(std::size_t x) {
        while (parent_[x] != x) {
            parent_[x] = parent_[parent_[x]];
            x = parent_[x];
        }
        return x;
    }
    void unite(std::size_t a, std::size_t b) { parent_[find(a)] = find(b); }

private:
    std::vector<std::size_t> parent_;
};

}  // namespace

GeneratedTopology waxman(const WaxmanParams& p, Rng& rng) {
    check(p.n >= 1 && p.n <= kMaxWaxmanNodes,
          "n must be in [1, " + std::to_string(kMaxWaxmanNodes) + "]");
    check(p.alpha > 0 && std::isfinite(p.alpha), "alpha must be positive");
    check(p.beta > 0 && p.beta <= 1, "beta must be in (0, 1]");
    check(p.side_km > 0 && p.side_km <= 40'000, "side_km must be in (0, 40000]");
    check(p.inflation > 0 && std::isfinite(p.inflation), "inflation must be positive");
    GeneratedTopology t;
    t.ids = numbered(p.prefix, p.n);
    t.position_km.resize(p.n);
    for (auto& pos : t.position_km) {
        pos = {rng.uniform01() * p.side_km, rng.uniform01() * p.side_km};
    }
    const auto distance_km = [&t](std::size_t a, std::size_t b) {
        return std::hypot(t.position_km[a][0] - t.position_km[b][0],
                          t.position_km[a][1] - t.position_km[b][1]);
    };
    const auto add = [&](std::size_t a, std::size_t b) {
        const Duration latency =
            p.fixed_latency.value_or(fibre_delay(distance_km(a, b) * 1000.0 * p.inflation));
        t.links.push_back(make_link(a, b, latency, p.bandwidth_bps));
    };
    const double scale = p.alpha * p.side_km * std::numbers::sqrt2;
    DisjointSets sets(p.n);
    // One draw per pair whatever its probability, so the stream position of a pair never
    // depends on earlier outcomes.
    for (std::size_t a = 0; a < p.n; ++a) {
        for (std::size_t b = a + 1; b < p.n; ++b) {
            if (rng.uniform01() < p.beta * std::exp(-distance_km(a, b) / scale)) {
                check(t.links.size() < kMaxGeneratedLinks, "the draw gives more than " +
                                                               std::to_string(kMaxGeneratedLinks) +
                                                               " links; lower alpha or beta");
                add(a, b);
                sets.unite(a, b);
            }
        }
    }
    // Components in order of their smallest node; each joined to everything before it by
    // the shortest link (ties to the lowest indices), so the repair is deterministic too.
    std::vector<char> joined(p.n, 0);
    const std::size_t first_root = sets.find(0);
    for (std::size_t v = 0; v < p.n; ++v) {
        joined[v] = sets.find(v) == first_root;
    }
    for (std::size_t start = 1; start < p.n; ++start) {
        if (joined[start]) continue;
        const std::size_t root = sets.find(start);
        std::vector<std::size_t> members;
        for (std::size_t v = start; v < p.n; ++v) {
            if (sets.find(v) == root) members.push_back(v);
        }
        double best = std::numeric_limits<double>::infinity();
        std::pair<std::size_t, std::size_t> ends{0, 0};
        for (std::size_t u = 0; u < p.n; ++u) {
            if (!joined[u]) continue;
            for (const std::size_t v : members) {
                if (const double d = distance_km(u, v); d < best) {
                    best = d;
                    ends = {u, v};
                }
            }
        }
        add(ends.first, ends.second);
        ++t.bridges;
        for (const std::size_t v : members) {
            joined[v] = 1;
        }
    }
    return t;
}

GeneratedTopology barabasi_albert(const BarabasiAlbertParams& p, Rng& rng) {
    check(p.n >= 2 && p.n <= kMaxGeneratedNodes,
          "n must be in [2, " + std::to_string(kMaxGeneratedNodes) + "]");
    check(p.m >= 1 && p.m < p.n, "m must be in [1, n - 1]");
    check(p.m <= kMaxGeneratedLinks / (p.n - p.m),
          "m x (n - m) links must be at most " + std::to_string(kMaxGeneratedLinks));
    GeneratedTopology t;
    t.ids = numbered(p.prefix, p.n);
    t.links.reserve(p.m * (p.n - p.m));
    // Every link's two ends, so a uniform pick from it is a pick proportional to degree.
    std::vector<std::size_t> ends;
    ends.reserve(2 * p.m * (p.n - p.m));
    std::vector<std::size_t> targets(p.m);
    std::iota(targets.begin(), targets.end(), std::size_t{0});
    for (std::size_t source = p.m; source < p.n; ++source) {
        for (const std::size_t target : targets) {
            t.links.push_back(make_link(source, target, p.link));
            ends.push_back(source);
            ends.push_back(target);
        }
        if (source + 1 == p.n) break;
        // m distinct targets for the next node, in the order drawn (a vector, not a set:
        // the link order, and so the whole spec, must not depend on hashing).
        targets.clear();
        while (targets.size() < p.m) {
            const std::size_t pick = ends[rng.below(ends.size())];
            if (std::find(targets.begin(), targets.end(), pick) == targets.end()) {
                targets.push_back(pick);
            }
        }
    }
    return t;
}

GeneratedTopology grid(const GridParams& p) {
    check(p.rows >= 1 && p.cols >= 1, "rows and cols must be at least 1");
    check(p.rows <= kMaxGeneratedNodes / p.cols,
          "rows x cols must be at most " + std::to_string(kMaxGeneratedNodes));
    GeneratedTopology t;
    for (std::size_t r = 0; r < p.rows; ++r) {
        for (std::size_t c = 0; c < p.cols; ++c) {
            t.ids.push_back(p.prefix + std::to_string(r) + "-" + std::to_string(c));
        }
    }
    for (std::size_t r = 0; r < p.rows; ++r) {
        for (std::size_t c = 0; c < p.cols; ++c) {
            const std::size_t i = r * p.cols + c;
            if (c + 1 < p.cols) t.links.push_back(make_link(i, i + 1, p.link));
            if (r + 1 < p.rows) t.links.push_back(make_link(i, i + p.cols, p.link));
        }
    }
    return t;
}

GeneratedTopology tree(const TreeParams& p) {
    check(p.fanout >= 1, "fanout must be at least 1");
    std::size_t n = 1;
    std::size_t level = 1;
    for (std::size_t d = 0; d < p.depth; ++d) {
        check(level <= kMaxGeneratedNodes / p.fanout,
              "the tree would have more than " + std::to_string(kMaxGeneratedNodes) + " nodes");
        level *= p.fanout;
        n += level;
        check(n <= kMaxGeneratedNodes,
              "the tree would have more than " + std::to_string(kMaxGeneratedNodes) + " nodes");
    }
    GeneratedTopology t;
    t.ids = numbered(p.prefix, n);
    for (std::size_t child = 1; child < n; ++child) {
        t.links.push_back(make_link((child - 1) / p.fanout, child, p.link));
    }
    return t;
}

GeneratedTopology isp(const IspParams& p, Rng& rng) {
    check(p.backbone >= 1, "backbone must be at least 1");
    check(p.backbone <= kMaxGeneratedNodes / (p.access + 1),
          "backbone x (access + 1) must be at most " + std::to_string(kMaxGeneratedNodes));
    check(!p.dual_homed || p.backbone >= 2, "dual_homed needs at least 2 backbone routers");
    check(p.chords <= kMaxGeneratedNodes,
          "chords must be at most " + std::to_string(kMaxGeneratedNodes));
    const std::size_t b = p.backbone;
    GeneratedTopology t;
    t.ids = numbered(p.prefix + "bb", b);
    std::set<std::pair<std::size_t, std::size_t>> core;  // (min, max)
    const auto add_core = [&](std::size_t x, std::size_t y) {
        core.insert(std::minmax(x, y));
        t.links.push_back(make_link(x, y, p.backbone_link));
    };
    if (b == 2) add_core(0, 1);
    if (b >= 3) {
        for (std::size_t i = 0; i < b; ++i) {
            add_core(i, (i + 1) % b);
        }
    }
    const std::size_t ring = core.size();
    const std::size_t free_pairs = b * (b - 1) / 2 - ring;
    check(p.chords <= free_pairs, "chords must be at most " + std::to_string(free_pairs) +
                                      " (the core pairs not already on the ring)");
    if (p.chords * 2 <= free_pairs) {
        // Sparse: draw pairs and skip the taken ones; at most half are taken, so this ends
        // quickly.
        while (core.size() < ring + p.chords) {
            const std::size_t x = rng.below(b);
            const std::size_t y = rng.below(b);
            if (x == y || core.contains(std::minmax(x, y))) continue;
            add_core(x, y);
        }
    } else {
        // Dense: shuffle the free pairs (at most 2 * chords of them) and take a prefix.
        std::vector<std::pair<std::size_t, std::size_t>> free;
        for (std::size_t x = 0; x < b; ++x) {
            for (std::size_t y = x + 1; y < b; ++y) {
                if (!core.contains({x, y})) free.emplace_back(x, y);
            }
        }
        for (std::size_t i = 0; i < p.chords; ++i) {
            std::swap(free[i], free[i + rng.below(free.size() - i)]);
            add_core(free[i].first, free[i].second);
        }
    }
    for (std::size_t i = 0; i < b; ++i) {
        for (std::size_t j = 0; j < p.access; ++j) {
            const std::size_t a = t.ids.size();
            t.ids.push_back(p.prefix + "ar" + std::to_string(i) + "-" + std::to_string(j));
            t.links.push_back(make_link(i, a, p.access_link));
            if (p.dual_homed) t.links.push_back(make_link((i + 1) % b, a, p.access_link));
        }
    }
    return t;
}

}  // namespace sim::net
