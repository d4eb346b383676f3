#include "sim/net/partition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <queue>
#include <stdexcept>
#include <tuple>
#include <utility>

#ifdef MSGSIM_HAVE_METIS
#include <metis.h>
#endif

namespace sim::net {

namespace {

/// A link between two routers/servers after phones were folded into their access node.
struct Edge {
    std::uint32_t to = 0;  ///< vertex
    Duration latency{0};
    bool direct = false;  ///< a router/server link (not one reached through a phone)
};

/// The graph that is actually partitioned: routers and servers ("vertices", in node order),
/// each carrying the weight of the phones that hang off it.
struct Contracted {
    std::vector<NodeIndex> rep;            ///< per node: the router/server it goes with
    std::vector<std::uint32_t> vertex_of;  ///< per router/server node: its vertex
    std::vector<NodeIndex> node;           ///< per vertex: its node
    std::vector<double> weight;            ///< per vertex, phones included
    /// Per vertex: the weight as METIS and the packing see it, an integer >= 1, so that a
    /// vertex of weight 0 still counts (else every group of a weightless model would pile
    /// onto part 0).
    std::vector<std::int64_t> units;
    std::vector<std::vector<Edge>> adj;
};

bool is_phone(NodeKind k) {
    return k == NodeKind::Phone;
}

Contracted contract(const PartitionInput& in) {
    const std::size_t n = in.kinds.size();
    if (!in.regions.empty() && in.regions.size() != n)
        throw std::invalid_argument("partition: one region per node expected");
    if (!in.weights.empty() && in.weights.size() != n)
        throw std::invalid_argument("partition: one weight per node expected");
    for (const LinkSpec& l : in.links) {
        if (l.a >= n || l.b >= n) throw std::invalid_argument("partition: a link to no node");
    }
    Contracted g;
    g.rep.assign(n, kNoNode);
    g.vertex_of.assign(n, UINT32_MAX);
    for (NodeIndex v = 0; v < n; ++v) {
        if (is_phone(in.kinds[v])) continue;
        g.rep[v] = v;
        g.vertex_of[v] = static_cast<std::uint32_t>(g.node.size());
        g.node.push_back(v);
    }
    // A phone goes with the router or server at the other end of its access link (its first
    // such link, if a scenario ever multi-homes one). A phone with none is isolated and can
    // talk to nobody: it stays unassigned here and lands on part 0.
    for (const LinkSpec& l : in.links) {
        if (is_phone(in.kinds[l.a]) && !is_phone(in.kinds[l.b]) && g.rep[l.a] == kNoNode)
            g.rep[l.a] = l.b;
        if (is_phone(in.kinds[l.b]) && !is_phone(in.kinds[l.a]) && g.rep[l.b] == kNoNode)
            g.rep[l.b] = l.a;
    }

    g.weight.assign(g.node.size(), 0.0);
    double total = 0;
    for (NodeIndex v = 0; v < n; ++v) {
        const double w = in.weights.empty() ? 1.0 : in.weights[v];
        if (!std::isfinite(w) || w < 0)
            throw std::invalid_argument("partition: node weights must be finite and >= 0");
        total += w;
        if (g.rep[v] != kNoNode) g.weight[g.vertex_of[g.rep[v]]] += w;
    }
    // Integers summing to about 10^7: fine-grained, and far from METIS's 32-bit idx_t limit.
    const double scale = total > 0 ? 1e7 / total : 0.0;
    g.units.resize(g.node.size());
    for (std::size_t i = 0; i < g.node.size(); ++i)
        g.units[i] = std::max<std::int64_t>(1, std::llround(g.weight[i] * scale));

    g.adj.resize(g.node.size());
    for (const LinkSpec& l : in.links) {
        const NodeIndex a = g.rep[l.a], b = g.rep[l.b];
        if (a == kNoNode || b == kNoNode || a == b) continue;
        const bool direct = !is_phone(in.kinds[l.a]) && !is_phone(in.kinds[l.b]);
        const std::uint32_t va = g.vertex_of[a], vb = g.vertex_of[b];
        g.adj[va].push_back({vb, l.latency, direct});
        g.adj[vb].push_back({va, l.latency, direct});
    }
    return g;
}

/// Splits `subset` (vertices) into `parts` by node order, each piece closing once it holds
/// its share of the weight: the partitioner of last resort, without METIS.
std::vector<std::uint32_t> split_in_order(const Contracted& g,
                                          const std::vector<std::uint32_t>& subset,
                                          std::uint32_t parts) {
    std::int64_t total = 0;
    for (std::uint32_t v : subset)
        total += g.units[v];
    std::vector<std::uint32_t> part(subset.size(), 0);
    std::int64_t before = 0;
    for (std::size_t i = 0; i < subset.size(); ++i) {
        // The piece whose share the middle of this vertex's weight falls into.
        const std::int64_t mid = before + g.units[subset[i]] / 2;
        part[i] = static_cast<std::uint32_t>(
            std::min<std::int64_t>(parts - 1, mid * static_cast<std::int64_t>(parts) / total));
        before += g.units[subset[i]];
    }
    return part;
}

#ifdef MSGSIM_HAVE_METIS
/// METIS k-way over the subgraph induced by `subset`; the part of each subset entry.
std::vector<std::uint32_t> metis_split(const Contracted& g,
                                       const std::vector<std::uint32_t>& subset,
                                       std::uint32_t parts) {
    std::vector<std::uint32_t> local(g.node.size(), UINT32_MAX);
    for (std::size_t i = 0; i < subset.size(); ++i)
        local[subset[i]] = static_cast<std::uint32_t>(i);

    // Edge weights. The run's lookahead is the least latency of a cut link, and the window
    // count grows as 1/lookahead: cutting a short link is what costs, so an edge weighs
    // 1/latency (parallel links add up) and METIS, minimising the weight of the cut, cuts
    // long-haul links first. Latencies under 1 us count as 1 us, so a zero-latency link
    // weighs as much as the shortest real ones rather than infinitely. Traffic is left out:
    // it is in the vertex weights, and a cut link's traffic costs only bytes in a batch
    // exchange that happens every window anyway.
    std::vector<std::map<std::uint32_t, double>> merged(subset.size());
    double max_w = 0;
    std::size_t entries = 0;
    for (std::size_t i = 0; i < subset.size(); ++i) {
        for (const Edge& e : g.adj[subset[i]]) {
            if (local[e.to] == UINT32_MAX) continue;
            const double w = 1.0 / static_cast<double>(std::max<std::int64_t>(e.latency.count(),
                                                                              std::int64_t{1000}));
            double& sum = merged[i][local[e.to]];
            sum += w;
            max_w = std::max(max_w, sum);
        }
        entries += merged[i].size();
    }
    // Scale the heaviest edge to 10^6, or less if the sum of all weights would then come
    // near idx_t's range; every edge keeps a weight >= 1.
    const double cap = std::min(1e6, 1e9 / static_cast<double>(std::max<std::size_t>(entries, 1)));
    const double scale = max_w > 0 ? cap / max_w : 0.0;

    std::vector<idx_t> xadj{0}, adjncy, adjwgt, vwgt;
    for (std::size_t i = 0; i < subset.size(); ++i) {
        vwgt.push_back(static_cast<idx_t>(g.units[subset[i]]));
        for (const auto& [to, w] : merged[i]) {
            adjncy.push_back(static_cast<idx_t>(to));
            adjwgt.push_back(static_cast<idx_t>(std::max<long long>(1, std::llround(w * scale))));
        }
        xadj.push_back(static_cast<idx_t>(adjncy.size()));
    }
    idx_t nvtxs = static_cast<idx_t>(subset.size());
    idx_t ncon = 1;
    idx_t nparts = static_cast<idx_t>(parts);
    idx_t objval = 0;
    std::vector<idx_t> part(subset.size(), 0);
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_SEED] = 12345;  // METIS randomises; a fixed seed makes it repeatable
    options[METIS_OPTION_NUMBERING] = 0;
    const int status = METIS_PartGraphKway(&nvtxs, &ncon, xadj.data(), adjncy.data(), vwgt.data(),
                                           nullptr, adjwgt.data(), &nparts, nullptr, nullptr,
                                           options, &objval, part.data());
    if (status != METIS_OK)
        throw std::runtime_error("METIS_PartGraphKway failed (status " + std::to_string(status) +
                                 ")");
    return {part.begin(), part.end()};
}
#endif

std::vector<std::uint32_t> graph_split(const Contracted& g,
                                       const std::vector<std::uint32_t>& subset,
                                       std::uint32_t parts) {
#ifdef MSGSIM_HAVE_METIS
    return metis_split(g, subset, parts);
#else
    return split_in_order(g, subset, parts);
#endif
}

/// Region method, per vertex: the group of each router and server (see the header).
std::vector<std::uint32_t> region_groups(const PartitionInput& in, const Contracted& g,
                                         std::uint32_t& groups) {
    const std::size_t nv = g.node.size();
    std::vector<std::uint32_t> group(nv, UINT32_MAX);
    std::map<std::string, std::uint32_t> by_region;
    groups = 0;
    for (std::uint32_t v = 0; v < nv; ++v) {
        if (in.kinds[g.node[v]] != NodeKind::Server) continue;
        const std::string region = in.regions.empty() ? std::string() : in.regions[g.node[v]];
        // A server without a region stands alone.
        if (region.empty()) {
            group[v] = groups++;
            continue;
        }
        const auto [it, added] = by_region.emplace(region, groups);
        if (added) ++groups;
        group[v] = it->second;
    }

    // Multi-source Dijkstra over router/server links with labels (distance, server node):
    // the lexicographic order gives every router its nearest server, ties to the lower node.
    using Label = std::pair<Duration, NodeIndex>;
    const Label none{Duration::max(), kNoNode};
    std::vector<Label> best(nv, none);
    using Item = std::tuple<Duration, NodeIndex, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
    for (std::uint32_t v = 0; v < nv; ++v) {
        if (in.kinds[g.node[v]] != NodeKind::Server) continue;
        best[v] = {Duration{0}, g.node[v]};
        queue.emplace(Duration{0}, g.node[v], v);
    }
    while (!queue.empty()) {
        const auto [d, src, v] = queue.top();
        queue.pop();
        if (Label{d, src} != best[v]) continue;
        for (const Edge& e : g.adj[v]) {
            if (!e.direct) continue;
            const Label cand{d + e.latency, src};
            if (cand < best[e.to]) {
                best[e.to] = cand;
                queue.emplace(cand.first, cand.second, e.to);
            }
        }
    }
    for (std::uint32_t v = 0; v < nv; ++v) {
        if (group[v] == UINT32_MAX && best[v].second != kNoNode)
            group[v] = group[g.vertex_of[best[v].second]];
    }
    // Routers that reach no server (only through a phone, or not at all): the group of their
    // lowest-index neighbour that has one, repeated while that settles more; then group 0.
    for (bool changed = true; changed;) {
        changed = false;
        for (std::uint32_t v = 0; v < nv; ++v) {
            if (group[v] != UINT32_MAX) continue;
            std::uint32_t lowest = UINT32_MAX;
            for (const Edge& e : g.adj[v]) {
                if (group[e.to] != UINT32_MAX) lowest = std::min(lowest, e.to);
            }
            if (lowest != UINT32_MAX) {
                group[v] = group[lowest];
                changed = true;
            }
        }
    }
    if (groups == 0 && nv > 0) groups = 1;  // no server at all: one group of everything
    for (std::uint32_t& x : group) {
        if (x == UINT32_MAX) x = 0;
    }
    return group;
}

/// Region method: groups, split until there are as many as parts (if they can be), then
/// packed heaviest first onto the lightest part.
std::vector<std::uint32_t> region_parts(const PartitionInput& in, const Contracted& g) {
    std::uint32_t groups = 0;
    const std::vector<std::uint32_t> group_of = region_groups(in, g, groups);
    std::vector<std::vector<std::uint32_t>> members(groups);
    for (std::uint32_t v = 0; v < group_of.size(); ++v)
        members[group_of[v]].push_back(v);
    const auto units = [&](const std::vector<std::uint32_t>& m) {
        std::int64_t s = 0;
        for (std::uint32_t v : m)
            s += g.units[v];
        return s;
    };

    // Fewer regions than parts would leave ranks idle: bisect the heaviest group (with METIS,
    // which cuts its longest links, else by node order) until every part can get one. A
    // region is then spread over parts, which the user asked for by choosing more ranks.
    while (members.size() < in.parts) {
        std::size_t heaviest = members.size();
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (members[i].size() < 2) continue;
            if (heaviest == members.size() || units(members[i]) > units(members[heaviest]))
                heaviest = i;
        }
        if (heaviest == members.size()) break;  // fewer routers and servers than parts
        std::vector<std::uint32_t> halves = graph_split(g, members[heaviest], 2);
        // METIS may leave one side empty on a tiny or oddly weighted group; order never does.
        if (std::count(halves.begin(), halves.end(), 0u) == 0 ||
            std::count(halves.begin(), halves.end(), 1u) == 0)
            halves = split_in_order(g, members[heaviest], 2);
        std::vector<std::uint32_t> keep, moved;
        for (std::size_t i = 0; i < halves.size(); ++i)
            (halves[i] == 0 ? keep : moved).push_back(members[heaviest][i]);
        members[heaviest] = std::move(keep);
        members.push_back(std::move(moved));
    }

    std::vector<std::size_t> order(members.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return units(members[a]) > units(members[b]);
    });
    std::vector<std::int64_t> load(in.parts, 0);
    std::vector<std::uint32_t> part(g.node.size(), 0);
    for (std::size_t i : order) {
        const auto lightest =
            static_cast<std::uint32_t>(std::min_element(load.begin(), load.end()) - load.begin());
        load[lightest] += units(members[i]);
        for (std::uint32_t v : members[i])
            part[v] = lightest;
    }
    return part;
}

/// METIS over the vertices of `g` (which may be groups), every part given at least one.
std::vector<std::uint32_t> metis_vertex_parts(const PartitionInput& in, const Contracted& g) {
    const std::size_t nv = g.node.size();
    std::vector<std::uint32_t> part(nv, 0);
    if (nv <= in.parts) {
        // As many parts as vertices or more: one vertex each, the rest of the parts empty.
        for (std::uint32_t v = 0; v < nv; ++v)
            part[v] = v;
        return part;
    }
    std::vector<std::uint32_t> all(nv);
    for (std::uint32_t v = 0; v < nv; ++v)
        all[v] = v;
    part = graph_split(g, all, in.parts);
    // METIS may leave a part empty on small graphs; give it the lightest vertex of the part
    // with the most vertices, so that every rank has something to run.
    std::vector<std::uint32_t> count(in.parts, 0);
    for (std::uint32_t p : part)
        ++count[p];
    for (std::uint32_t p = 0; p < in.parts; ++p) {
        if (count[p] > 0) continue;
        const auto donor = static_cast<std::uint32_t>(std::max_element(count.begin(), count.end()) -
                                                      count.begin());
        std::uint32_t pick = UINT32_MAX;
        for (std::uint32_t v = 0; v < nv; ++v) {
            if (part[v] == donor && (pick == UINT32_MAX || g.units[v] < g.units[pick])) pick = v;
        }
        part[pick] = p;
        --count[donor];
        ++count[p];
    }
    return part;
}

/// The graph of region groups: one vertex per group (weight: its members'), one edge per
/// link between two groups (parallel ones are merged by metis_split).
Contracted group_graph(const Contracted& g, const std::vector<std::uint32_t>& group_of,
                       std::uint32_t groups) {
    Contracted gg;
    gg.node.resize(groups);
    gg.units.assign(groups, 0);
    gg.weight.assign(groups, 0.0);
    gg.adj.resize(groups);
    for (std::uint32_t v = 0; v < g.node.size(); ++v) {
        gg.units[group_of[v]] += g.units[v];
        gg.weight[group_of[v]] += g.weight[v];
        for (const Edge& e : g.adj[v]) {
            if (group_of[e.to] != group_of[v])
                gg.adj[group_of[v]].push_back(Edge{group_of[e.to], e.latency, e.direct});
        }
    }
    return gg;
}

/// METIS method, per vertex: METIS k-way over the region groups (each region's servers and
/// the routers nearest to them stay together, as devices must stay with their server), or
/// over single routers and servers when there are fewer groups than parts.
std::vector<std::uint32_t> metis_parts(const PartitionInput& in, const Contracted& g) {
    std::uint32_t groups = 0;
    const std::vector<std::uint32_t> group_of = region_groups(in, g, groups);
    if (groups < in.parts) return metis_vertex_parts(in, g);
    const std::vector<std::uint32_t> group_part =
        metis_vertex_parts(in, group_graph(g, group_of, groups));
    std::vector<std::uint32_t> part(g.node.size());
    for (std::uint32_t v = 0; v < part.size(); ++v)
        part[v] = group_part[group_of[v]];
    return part;
}

}  // namespace

bool parse_partition_method(const std::string& name, PartitionMethod& out) {
    if (name == "region") {
        out = PartitionMethod::Region;
        return true;
    }
    if (name == "metis") {
        out = PartitionMethod::Metis;
        return true;
    }
    return false;
}

const char* partition_method_name(PartitionMethod m) {
    return m == PartitionMethod::Metis ? "metis" : "region";
}

bool metis_available() {
#ifdef MSGSIM_HAVE_METIS
    return true;
#else
    return false;
#endif
}

Partition partition_topology(const PartitionInput& in) {
    if (in.parts == 0) throw std::invalid_argument("partition: at least one part");
    if (in.method == PartitionMethod::Metis && !metis_available()) {
        throw std::invalid_argument(
            "--partition metis: this msgsim was built without METIS (install libmetis-dev and "
            "rebuild), use --partition region");
    }
    const Contracted g = contract(in);
    std::vector<std::uint32_t> vertex_part(g.node.size(), 0);
    if (in.parts > 1) {
        vertex_part =
            in.method == PartitionMethod::Metis ? metis_parts(in, g) : region_parts(in, g);
    }

    Partition p;
    p.parts = in.parts;
    p.part_of.assign(in.kinds.size(), 0);
    p.weight.assign(in.parts, 0.0);
    for (NodeIndex v = 0; v < in.kinds.size(); ++v) {
        if (g.rep[v] != kNoNode) p.part_of[v] = vertex_part[g.vertex_of[g.rep[v]]];
        p.weight[p.part_of[v]] += in.weights.empty() ? 1.0 : in.weights[v];
    }
    for (std::size_t i = 0; i < in.links.size(); ++i) {
        const LinkSpec& l = in.links[i];
        if (p.part_of[l.a] == p.part_of[l.b]) continue;
        p.cut_links.push_back(static_cast<std::uint32_t>(i));
        p.lookahead = std::min(p.lookahead, l.latency);
    }
    return p;
}

}  // namespace sim::net
