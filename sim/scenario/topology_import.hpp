// The "import" and "generate" blocks of a scenario (SPEC.md: "Topologies may be imported
// ... or generated"): routers and links that come before the scenario's own "nodes" and
// "links", which may then refer to them by id (a server attached to "London", a phone to
// "g3-4").
//
// Import rules for Internet Topology Zoo GraphML (SOURCES.md lists the dataset's quirks):
// - Every GraphML node becomes a router. Its id is its `label` with whitespace runs turned
//   into '-'; a label seen before gets "-2", "-3", ... in file order; a node without a label
//   is "n<k>", k its position in the file (the Zoo's node id). The block's `prefix` goes in
//   front of every id.
// - `Latitude`/`Longitude` give the router's location; a node without them (or with values
//   out of range) has none and is kept.
// - An edge becomes a link whose latency is "auto" (great circle at 2/3 c) x `inflation`
//   when both ends have a location, else `fallback_latency` (default 1 ms); bandwidth is
//   `LinkSpeedRaw` (bit/s) when present and positive, else the block's `bandwidth`
//   (default 1 Gbit/s). Loss none, default queue.
// - Parallel edges become one link (with the largest LinkSpeedRaw among them); self-loops
//   are dropped. Every such repair is reported as a warning on stderr, once per process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/model/spec.hpp"
#include "sim/net/graphml.hpp"

namespace sim::scenario {

/// Routers and links contributed by one "import" or "generate" block.
struct TopologyPart {
    std::vector<model::NodeSpec> nodes;  ///< routers
    std::vector<std::string> origins;    ///< per node, for messages ("/import (node 5 ...)")
    std::vector<net::LinkSpec> links;    ///< a and b index `nodes`
    std::vector<std::string> warnings;   ///< repairs of the input, worded for the user
};

struct GraphmlImportOptions {
    double inflation = 1.0;                                    ///< fibre path length / great circle
    std::uint64_t bandwidth_bps = 1'000'000'000;               ///< links without LinkSpeedRaw
    Duration fallback_latency = std::chrono::milliseconds(1);  ///< an end without location
    std::string prefix;                                        ///< before every node id
};

/// Applies the import rules above to a parsed GraphML graph. `source` names it in origins
/// and warnings. Throws std::invalid_argument if the graph has no nodes.
TopologyPart import_graphml(const net::GraphmlGraph& graph, const GraphmlImportOptions& options,
                            const std::string& source);

/// Reads the scenario's "import" object at JSON Pointer `path`:
///   {"format": "graphml", "file": F, "inflation": X, "bandwidth": B,
///    "fallback_latency": D, "prefix": P}
/// F is relative to `base_dir` (the scenario file's directory). Throws PathError, at
/// `path`/file for an unreadable or invalid file.
TopologyPart read_import(const nlohmann::json& value, const std::string& path,
                         const std::filesystem::path& base_dir);

/// Reads the scenario's "generate" object at `path`: {"model": M, "seed": S, "prefix": P,
/// ...parameters of M} (sim/net/generators.hpp; scenarios/topologies/README.md). Without
/// "seed" the scenario's seed is used, mixed with the model name, so a `--seed` run of the
/// same file also draws a new random topology; give "seed" to pin it. Throws PathError.
TopologyPart read_generate(const nlohmann::json& value, const std::string& path,
                           std::uint64_t scenario_seed);

/// Prints "msgsim: warning: FILE: PATH: TEXT" to stderr for each warning not printed
/// before by this process (a sweep loads the same file many times; once is enough).
void print_warnings(const TopologyPart& part, const std::string& file_name,
                    const std::string& path);

}  // namespace sim::scenario
