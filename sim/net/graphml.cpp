#include "sim/net/graphml.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/property_map/dynamic_property_map.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <typeinfo>

namespace sim::net {

namespace {

struct Element {
    GraphmlAttributes attributes;
};
// vecS/vecS: vertices are numbered in order of appearance and parallel edges are kept,
// so the caller sees the file as written and decides itself what to merge.
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, Element, Element, Element>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

/// A value of any GraphML attr.type (boolean, int, long, float, double, string) as text.
std::string as_text(const boost::any& value) {
    if (const auto* s = boost::any_cast<std::string>(&value)) return *s;
    if (const auto* b = boost::any_cast<bool>(&value)) return *b ? "true" : "false";
    if (const auto* i = boost::any_cast<int>(&value)) return std::to_string(*i);
    if (const auto* l = boost::any_cast<long>(&value)) return std::to_string(*l);
    double x = 0;
    if (const auto* f = boost::any_cast<float>(&value)) {
        x = *f;
    } else if (const auto* d = boost::any_cast<double>(&value)) {
        x = *d;
    } else {
        throw GraphmlError(std::string("unsupported attribute type ") + value.type().name());
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    return buf;
}

/// One attribute name on one kind of element, stored into the graph's bundled Element. A
/// single catch-all map type (made on demand by the dynamic_properties generator) accepts
/// every key of every file, whatever its id (d29 here, d31 there) and declared type, so the
/// reader never depends on which keys a file happens to declare.
template <class Key>
class AttributeMap : public boost::dynamic_property_map {
public:
    AttributeMap(Graph& g, std::string name) : g_(g), name_(std::move(name)) {}

    boost::any get(const boost::any& key) override { return get_string(key); }
    std::string get_string(const boost::any& key) override {
        const GraphmlAttributes& a = element(key).attributes;
        const auto it = a.find(name_);
        return it == a.end() ? std::string() : it->second;
    }
    void put(const boost::any& key, const boost::any& value) override {
        element(key).attributes[name_] = as_text(value);
    }
    const std::type_info& key() const override { return typeid(Key); }
    const std::type_info& value() const override { return typeid(std::string); }

private:
    Element& element(const boost::any& key) {
        if constexpr (std::is_same_v<Key, Graph*>) {
            return (*boost::any_cast<Graph*>(key))[boost::graph_bundle];
        } else {
            return g_[boost::any_cast<Key>(key)];
        }
    }

    Graph& g_;
    std::string name_;
};

}  // namespace

GraphmlGraph read_graphml(std::istream& in) {
    Graph g;
    boost::dynamic_properties dp(
        [&g](const std::string& name, const boost::any& key,
             const boost::any&) -> boost::shared_ptr<boost::dynamic_property_map> {
            if (key.type() == typeid(Vertex)) {
                return boost::make_shared<AttributeMap<Vertex>>(g, name);
            }
            if (key.type() == typeid(Edge)) return boost::make_shared<AttributeMap<Edge>>(g, name);
            if (key.type() == typeid(Graph*)) {
                return boost::make_shared<AttributeMap<Graph*>>(g, name);
            }
            return {};
        });
    try {
        boost::read_graphml(in, g, dp);
    } catch (const std::exception& e) {
        // Boost's parse_error, property_tree's xml_parser_error, bad_lexical_cast, ...: all
        // are "this is not GraphML we can read", never a bug of ours.
        throw GraphmlError(e.what());
    }
    GraphmlGraph out;
    out.attributes = std::move(g[boost::graph_bundle].attributes);
    out.nodes.reserve(boost::num_vertices(g));
    for (const Vertex v : boost::make_iterator_range(boost::vertices(g))) {
        out.nodes.push_back(std::move(g[v].attributes));
    }
    // An undirected adjacency_list keeps its edges in one list in insertion order, so this
    // is document order.
    out.edges.reserve(boost::num_edges(g));
    for (const Edge e : boost::make_iterator_range(boost::edges(g))) {
        out.edges.push_back({boost::source(e, g), boost::target(e, g), std::move(g[e].attributes)});
    }
    return out;
}

std::optional<double> graphml_number(const GraphmlAttributes& attributes, std::string_view name) {
    const auto it = attributes.find(name);
    if (it == attributes.end()) return std::nullopt;
    const std::string& s = it->second;
    double x = 0;
    const char* first = s.data();
    const char* last = s.data() + s.size();
    while (first != last && (*first == ' ' || *first == '\t'))
        ++first;
    if (first != last && *first == '+') ++first;
    const auto [end, ec] = std::from_chars(first, last, x);
    if (ec != std::errc() || end == first) return std::nullopt;
    for (const char* p = end; p != last; ++p) {
        if (*p != ' ' && *p != '\t') return std::nullopt;
    }
    if (!std::isfinite(x)) return std::nullopt;
    return x;
}

}  // namespace sim::net
