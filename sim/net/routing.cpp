#include "sim/net/routing.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <limits>
#include <numeric>

#include "sim/core/check.hpp"
#include "sim/core/scheduler.hpp"

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
        std::int64_t cost = 0;     ///< policy cost of the original direction
        std::int64_t latency = 0;  ///< its propagation latency, ns
    };
    // Edges are reversed (v -> u for a direction u -> v): Dijkstra from a destination then
    // gives every node's cost *to* it, with per-direction costs (queues differ by direction).
    using Type = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                       boost::no_property, EdgeData>;
    explicit Graph(std::size_t nodes) : g(nodes) {}
    Type g;
};

Routing::Routing(const std::vector<NodeKind>& kinds, const std::vector<LinkSpec>& links,
                 std::shared_ptr<const RoutingPolicy> policy, LinkState state)
    : policy_(std::move(policy)), state_(std::move(state)), dense_of_(kinds.size(), kNoNode) {
    MSGSIM_CHECK(policy_ != nullptr, "routing needs a policy");
    MSGSIM_CHECK(
        state_.up.size() == 2 * links.size() && state_.queue_delay.size() == 2 * links.size(),
        "link state does not match the links");
    for (NodeIndex n = 0; n < kinds.size(); ++n) {
        if (kinds[n] == NodeKind::Phone) continue;
        dense_of_[n] = static_cast<NodeIndex>(node_of_.size());
        node_of_.push_back(n);
    }
    out_.resize(node_of_.size());
    graph_ = std::make_unique<Graph>(node_of_.size());
    for (std::size_t i = 0; i < links.size(); ++i) {
        const LinkSpec& l = links[i];
        if (kinds[l.a] == NodeKind::Phone || kinds[l.b] == NodeKind::Phone) continue;
        for (int dir = 0; dir < 2; ++dir) {
            const std::size_t d = 2 * i + static_cast<std::size_t>(dir);
            if (!state_.up[d]) continue;
            const NodeIndex u = dense_of_[dir == 0 ? l.a : l.b];
            const NodeIndex v = dense_of_[dir == 0 ? l.b : l.a];
            const std::int64_t cost = policy_->link_cost(l, state_.queue_delay[d]);
            MSGSIM_CHECK(cost >= 0, "negative link cost");
            out_[u].push_back(OutEdge{v, cost, l.latency.count()});
            boost::add_edge(v, u, Graph::EdgeData{cost, l.latency.count()}, graph_->g);
        }
    }
    for (auto& edges : out_) {
        std::sort(edges.begin(), edges.end(),
                  [](const OutEdge& a, const OutEdge& b) { return a.to < b.to; });
    }
}

Routing::~Routing() = default;
Routing::Routing(Routing&&) noexcept = default;

const Routing::Table* Routing::table(NodeIndex dest_node, bool by_latency) {
    const NodeIndex dest = dense(dest_node);
    if (dest == kNoNode) return nullptr;
    auto& cache = by_latency ? latency_tables_ : tables_;
    if (auto it = cache.find(dest); it != cache.end()) return &it->second;

    using Vertex = Graph::Type::vertex_descriptor;
    using EdgeDesc = Graph::Type::edge_descriptor;
    const auto& g = graph_->g;
    const std::size_t n = boost::num_vertices(g);
    constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max();
    std::vector<std::int64_t> dist(n, kInf);
    std::vector<EdgeDesc> via(n);
    std::vector<char> has_via(n, 0);
    RecordRelaxedEdge<Graph::Type> rec{{}, &via, &has_via};
    auto weight = by_latency ? boost::get(&Graph::EdgeData::latency, g)
                             : boost::get(&Graph::EdgeData::cost, g);
    boost::dijkstra_shortest_paths(g, static_cast<Vertex>(dest),
                                   boost::weight_map(weight)
                                       .distance_map(boost::make_iterator_property_map(
                                           dist.begin(), boost::get(boost::vertex_index, g)))
                                       .distance_inf(kInf)
                                       .visitor(boost::make_dijkstra_visitor(rec)));

    Table t;
    t.next.assign(n, kNoNode);
    t.cost.assign(n, -1);
    t.latency.assign(n, -1);
    // Walk vertices by cost so each one's next hop already has its latency.
    std::vector<Vertex> order(n);
    std::iota(order.begin(), order.end(), Vertex{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](Vertex a, Vertex b) { return dist[a] < dist[b]; });
    t.cost[dest] = 0;
    t.latency[dest] = 0;
    for (Vertex v : order) {
        if (v == dest || !has_via[v] || dist[v] == kInf) continue;
        const EdgeDesc e = via[v];  // reversed edge u -> v: the direction v -> u
        const auto u = static_cast<NodeIndex>(boost::source(e, g));
        t.next[v] = node_of_[u];
        t.cost[v] = dist[v];
        t.latency[v] = t.latency[u] + g[e].latency;
    }
    return &cache.emplace(dest, std::move(t)).first->second;
}

NodeIndex Routing::next_hop(NodeIndex at_node, NodeIndex dest, std::uint64_t flow) {
    const Table* t = table(dest, false);
    const NodeIndex at = dense(at_node);
    if (t == nullptr || at == kNoNode) return kNoNode;
    if (!policy_->multipath() || t->cost[at] <= 0) return t->next[at];
    // All neighbours on a least-cost route; the flow's hash picks one, the same at every
    // packet, so a flow keeps its path (RFC 2992's hash-threshold idea, modulo form).
    NodeIndex choices[16];
    std::size_t k = 0;
    for (const OutEdge& e : out_[at]) {
        if (t->cost[e.to] >= 0 && t->cost[e.to] + e.cost == t->cost[at] && k < std::size(choices)) {
            choices[k++] = node_of_[e.to];
        }
    }
    if (k <= 1) return t->next[at];
    return choices[mix64(flow ^ (std::uint64_t{at_node} << 32)) % k];
}

std::optional<std::int64_t> Routing::route_cost(NodeIndex from, NodeIndex dest) {
    const Table* t = table(dest, false);
    const NodeIndex at = dense(from);
    if (t == nullptr || at == kNoNode || t->cost[at] < 0) return std::nullopt;
    return t->cost[at];
}

std::optional<Duration> Routing::route_latency(NodeIndex from, NodeIndex dest) {
    const Table* t = table(dest, false);
    const NodeIndex at = dense(from);
    if (t == nullptr || at == kNoNode || t->latency[at] < 0) return std::nullopt;
    return Duration{t->latency[at]};
}

std::optional<Duration> Routing::least_latency(NodeIndex from, NodeIndex dest) {
    const Table* t = table(dest, true);
    const NodeIndex at = dense(from);
    if (t == nullptr || at == kNoNode || t->latency[at] < 0) return std::nullopt;
    return Duration{t->latency[at]};
}

}  // namespace sim::net
