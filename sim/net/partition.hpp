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
    Metis    ///< METIS k-way over routers and servers, weighted by expected work
};
/// "region" or "metis"; nullopt-like false for other names.
bool parse_partition_method(const std::string& name, PartitionMethod& out);
const char* partition_method_name(PartitionMethod m);
/// Whether this build has METIS (PartitionMethod::Metis).
bool metis_available();

struct PartitionInput {
    std::span<const NodeKind> kinds;           ///< per node
    std::span<const std::string> regions;      ///< per node: a server's region, else ""
    std::span<const LinkSpec> links;
    std::span<const double> weights;           ///< per node: expected work (e.g. events)
    std::uint32_t parts = 1;
    PartitionMethod method = PartitionMethod::Region;
};

struct Partition {
    std::uint32_t parts = 1;
    std::vector<std::uint32_t> part_of;  ///< per node
    std::vector<std::uint32_t> cut_links;  ///< indices of links whose ends are in two parts
    /// Least latency of a cut link; Duration::max() when nothing is cut.
    Duration lookahead = Duration::max();
    std::vector<double> weight;  ///< per part: the sum of its nodes' weights
};

/// Splits the nodes into `parts` parts. Every part gets at least one node when there are
/// enough routers and servers (else some parts are empty). Deterministic.
Partition partition_topology(const PartitionInput& in);

}  // namespace sim::net
