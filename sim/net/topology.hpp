// The topology as a Boost.Graph graph: nodes and full-duplex links, with connectivity and
// least-cost routing tables. Phones are leaves: they are never transit nodes.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/net/spec.hpp"

namespace sim::net {

/// Connected component of every node (ids 0..k-1), links taken as undirected.
/// Phones do not forward, so they never join two components through themselves.
std::vector<std::uint32_t> connected_components(const std::vector<NodeKind>& kinds,
                                                const std::vector<LinkSpec>& links);

}  // namespace sim::net
