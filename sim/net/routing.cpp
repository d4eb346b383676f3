#include "sim/net/routing.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <limits>
#include <numeric>

#include "sim/core/check.hpp"

namespace sim::net {

namespace {

/// Dijkstra visitor: remembers the edge through which each vertex was last relaxed.
template <class G>
struct RecordRelaxedEdge : boost::base_visitor<RecordRelaxedEdge<G>> {
    using EdgeDesc = typename G::edge_descriptor;
    using event_filter = boost::on_edge_relaxed;
    std::vector<EdgeDesc>* via;
    std::vector<char>* has;
    void operator()(EdgeDesc e, const G& graph) {
        const auto v = boost::target(e, graph);
        (*via)[v] = e;
        (*has)[v] = 1;
    }
};

}  // namespace

struct Routing::Graph {
    struct EdgeData {
        std::int64_t cost = 0;     ///< policy cost
        std::int64_t latency = 0;  ///< propagation latency, ns
    };
    using Type = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                       boost::no_property, EdgeData>;
    Type g;
};

Routing::Routing(std::vector<NodeKind> kinds, std::vector<LinkSpec> links,
                 std::unique_ptr<RoutingPolicy> policy)
    : kinds_(std::move(kinds)),
      links_(std::move(links)),
      policy_(std::move(policy)),
      graph_(std::make_unique<Graph>()) {
    MSGSIM_CHECK(policy_ != nullptr, "routing needs a policy");
    graph_->g = Graph::Type(kinds_.size());
    for (const LinkSpec& l : links_) {
        if (kinds_[l.a] == NodeKind::Phone || kinds_[l.b] == NodeKind::Phone) continue;
        boost::add_edge(l.a, l.b, Graph::EdgeData{policy_->link_cost(l), l.latency.count()},
                        graph_->g);
    }
}

Routing::~Routing() = default;
Routing::Routing(Routing&&) noexcept = default;

const Routing::Table& Routing::table(NodeIndex dest, bool by_latency) {
    auto& cache = by_latency ? latency_tables_ : tables_;
    if (auto it = cache.find(dest); it != cache.end()) return it->second;

    using Vertex = Graph::Type::vertex_descriptor;
    using EdgeDesc = Graph::Type::edge_descriptor;
    const auto& g = graph_->g;
    const std::size_t n = boost::num_vertices(g);
    constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max();
    Table t;
    t.next.assign(n, kNoNode);
    t.cost.assign(n, kInf);
    t.latency.assign(n, -1);
    std::vector<EdgeDesc> via(n);
    std::vector<char> has_via(n, 0);

    // Dijkstra from the destination over an undirected graph: a vertex's predecessor on
    // its shortest path from `dest` is its next hop toward `dest`.
    RecordRelaxedEdge<Graph::Type> rec{{}, &via, &has_via};
    auto weight = by_latency ? boost::get(&Graph::EdgeData::latency, g)
                             : boost::get(&Graph::EdgeData::cost, g);
    boost::dijkstra_shortest_paths(g, static_cast<Vertex>(dest),
                                   boost::weight_map(weight)
                                       .distance_map(boost::make_iterator_property_map(
                                           t.cost.begin(), boost::get(boost::vertex_index, g)))
                                       .distance_inf(kInf)
                                       .visitor(boost::make_dijkstra_visitor(rec)));

    // Walk vertices in order of cost so each one's successor already has its latency.
    std::vector<Vertex> order(n);
    std::iota(order.begin(), order.end(), Vertex{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](Vertex a, Vertex b) { return t.cost[a] < t.cost[b]; });
    t.latency[dest] = 0;
    for (Vertex v : order) {
        if (v == dest || !has_via[v] || t.cost[v] == kInf) continue;
        const EdgeDesc e = via[v];
        const Vertex u = boost::source(e, g) == v ? boost::target(e, g) : boost::source(e, g);
        t.next[v] = static_cast<NodeIndex>(u);
        t.latency[v] = t.latency[u] + g[e].latency;
    }
    return cache.emplace(dest, std::move(t)).first->second;
}

NodeIndex Routing::next_hop(NodeIndex at, NodeIndex dest) {
    return table(dest, false).next[at];
}

std::optional<Duration> Routing::route_latency(NodeIndex from, NodeIndex dest) {
    const Table& t = table(dest, false);
    if (t.latency[from] < 0) return std::nullopt;
    return Duration{t.latency[from]};
}

std::optional<Duration> Routing::least_latency(NodeIndex from, NodeIndex dest) {
    const Table& t = table(dest, true);
    if (t.latency[from] < 0) return std::nullopt;
    return Duration{t.latency[from]};
}

}  // namespace sim::net
