#include "sim/net/topology.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <utility>

namespace sim::net {

std::vector<std::uint32_t> connected_components(const std::vector<NodeKind>& kinds,
                                                const std::vector<LinkSpec>& links) {
    // A phone attached to two routers must not make them one component: give each of a
    // phone's links its own copy of the phone by only linking phones to their first peer.
    using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
    Graph g(kinds.size());
    std::vector<char> phone_linked(kinds.size(), 0);
    for (const LinkSpec& l : links) {
        const bool a_phone = kinds[l.a] == NodeKind::Phone;
        const bool b_phone = kinds[l.b] == NodeKind::Phone;
        if (a_phone && std::exchange(phone_linked[l.a], 1)) continue;
        if (b_phone && std::exchange(phone_linked[l.b], 1)) continue;
        boost::add_edge(l.a, l.b, g);
    }
    std::vector<std::uint32_t> component(kinds.size());
    boost::connected_components(g, component.data());
    return component;
}

}  // namespace sim::net
