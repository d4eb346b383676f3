// Reading GraphML (Boost.Graph's read_graphml) into a plain attributed graph. This layer
// knows GraphML, not the Internet Topology Zoo: what `label`, `Latitude` or `LinkSpeedRaw`
// mean is decided by the scenario importer (sim/scenario/topology_import), so Boost stays a
// private dependency of sim/net and the importer's rules stay testable without XML.
#pragma once

#include <cstddef>
#include <istream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sim::net {

/// A file that is not GraphML Boost can read (bad XML, an edge to a missing node, a value
/// that does not fit its declared attr.type, a directed edge, ...). what() is Boost's reason.
class GraphmlError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The <data> values of one element by their key's attr.name, as text. Numbers declared
/// "double"/"float" come back with 17 significant digits, so parsing them back is exact.
using GraphmlAttributes = std::map<std::string, std::string, std::less<>>;

struct GraphmlEdge {
    std::size_t source = 0;  ///< index into GraphmlGraph::nodes
    std::size_t target = 0;
    GraphmlAttributes attributes;
};

/// The first <graph> of a GraphML document, as written: nothing merged, nothing dropped.
struct GraphmlGraph {
    GraphmlAttributes attributes;          ///< graph-level data (e.g. the Zoo's "Network")
    std::vector<GraphmlAttributes> nodes;  ///< in order of first appearance in the file
    std::vector<GraphmlEdge> edges;        ///< in document order, parallel edges and loops kept
};

/// Parses a GraphML document. Edges are taken as undirected whatever `edgedefault` says
/// (Boost rejects a graph declared directed: a network's links are full duplex anyway).
/// Throws GraphmlError on anything Boost cannot read.
GraphmlGraph read_graphml(std::istream& in);

/// The attribute `name` as a finite number, if present and numeric.
std::optional<double> graphml_number(const GraphmlAttributes& attributes, std::string_view name);

}  // namespace sim::net
