// Splitting a topology into the parts of a parallel run (one per MPI rank). Phones always
// stay with their access router; a part boundary only crosses router/server links, and the
// least latency of those links is the run's lookahead.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/net/spec.hpp"

namespace sim::net {

enum class PartitionMethod : std::uint8_t {
    Region,  ///< each server region with the routers nearest to it, regions packed by weight
    Metis    ///< METIS k-way over the region groups (or routers and servers), by expected work
};
/// "region" or "metis"; nullopt-like false for other names.
bool parse_partition_method(const std::string& name, PartitionMethod& out);
const char* partition_method_name(PartitionMethod m);
/// Whether this build has METIS (PartitionMethod::Metis).
bool metis_available();

struct PartitionInput {
    std::span<const NodeKind> kinds;  ///< per node
    /// Per node: a server's region, else "" (empty span: no regions). Servers sharing a
    /// region form one group; a server without one is a group alone.
    std::span<const std::string> regions;
    std::span<const LinkSpec> links;
    /// Per node: expected work (e.g. events), finite and >= 0 (empty span: 1 each).
    std::span<const double> weights;
    std::uint32_t parts = 1;
    PartitionMethod method = PartitionMethod::Region;
};

struct Partition {
    std::uint32_t parts = 1;
    std::vector<std::uint32_t> part_of;    ///< per node
    std::vector<std::uint32_t> cut_links;  ///< indices of links whose ends are in two parts
    /// Least latency of a cut link; Duration::max() when nothing is cut.
    Duration lookahead = Duration::max();
    std::vector<double> weight;  ///< per part: the sum of its nodes' weights
};

/// Splits the nodes into `parts` parts. Every part gets at least one node when there are
/// enough routers and servers (else some parts are empty). Deterministic.
///
/// Region: every router joins the group of its nearest server (least total latency over
/// router/server links, ties to the lower node index; a router reaching none, the group of
/// its lowest-index neighbour that has one, else group 0). With fewer groups than parts the
/// heaviest group is bisected (METIS, or node order without it) until there are enough;
/// then groups go heaviest first onto the lightest part (ties to the lowest part).
/// Metis: METIS k-way over the graph of those region groups (weights: the groups' work;
/// edges: 1/latency, so long links are cut first), which keeps every device with its
/// server; with fewer groups than parts, over single routers and servers (phones folded
/// into their access node), one each when there are no more of them than parts. Throws
/// std::invalid_argument when this build has no METIS, or for inconsistent input (sizes, links to
/// no node).
Partition partition_topology(const PartitionInput& in);

}  // namespace sim::net
