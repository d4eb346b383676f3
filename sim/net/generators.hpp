// Synthetic router topologies for "generate" scenario blocks: Waxman, Barabasi-Albert, grid,
// tree and a two-tier ISP (backbone + access routers). Every generator is a pure function
// of its parameters and the Rng it is given, so one seed always gives the same graph; and
// every result is connected, so any router can reach any other.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/net/spec.hpp"

namespace sim::net {

/// Parameters no topology can have (n = 0, m >= n, ...). what() says which and why.
class GeneratorError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Node counts beyond this are refused: a typo, not a topology this machine can simulate.
inline constexpr std::size_t kMaxGeneratedNodes = 1'000'000;
/// Waxman draws every pair once (n^2 / 2 draws), so its ceiling is lower.
inline constexpr std::size_t kMaxWaxmanNodes = 20'000;
/// Link counts beyond this are refused too (a dense draw or a huge m would exhaust memory
/// long before a simulation could use them).
inline constexpr std::size_t kMaxGeneratedLinks = 10'000'000;

/// Latency and bandwidth of generated links (loss none, default queue).
struct GeneratedLink {
    Duration latency = std::chrono::milliseconds(1);
    std::uint64_t bandwidth_bps = 1'000'000'000;
};

/// Routers (ids only: generated nodes have no geographic location) and links between them,
/// LinkSpec::a/b indexing `ids`. Links are listed in the order they were generated.
struct GeneratedTopology {
    std::vector<std::string> ids;
    std::vector<LinkSpec> links;
    /// Waxman only: each node's position in the square, in km from its corner.
    std::vector<std::array<double, 2>> position_km;
    /// Waxman only: links added after the random draw to join disconnected components.
    std::size_t bridges = 0;
};

/// Waxman (1988): `n` nodes uniform in a side_km x side_km square; each pair (u, v) linked
/// with probability beta * exp(-d(u, v) / (alpha * L)), L the square's diagonal. Larger
/// alpha favours long links relative to short ones, larger beta gives more links. The
/// result is then made connected: each component other than node 0's, in order of its
/// smallest node, is joined to the nodes before it by the shortest possible link (so the
/// graph is deterministic and the extra links short). A link's latency is its straight-line
/// length x inflation at 2/3 c (as "auto"), unless `fixed_latency` is given. Ids <prefix><i>.
struct WaxmanParams {
    std::size_t n = 0;
    double alpha = 0.4;
    double beta = 0.4;
    double side_km = 1000;
    double inflation = 1.0;
    std::optional<Duration> fixed_latency;
    std::uint64_t bandwidth_bps = 1'000'000'000;
    std::string prefix = "g";
};
GeneratedTopology waxman(const WaxmanParams& p, Rng& rng);

/// Barabasi-Albert preferential attachment: node m is linked to nodes 0..m-1 (a star), then
/// each node m+1..n-1 links to m distinct earlier nodes drawn with probability proportional
/// to their degree. Exactly m * (n - m) links; connected. Needs 1 <= m < n. Ids <prefix><i>.
struct BarabasiAlbertParams {
    std::size_t n = 0;
    std::size_t m = 1;
    GeneratedLink link;
    std::string prefix = "g";
};
GeneratedTopology barabasi_albert(const BarabasiAlbertParams& p, Rng& rng);

/// rows x cols lattice, each node linked to its right and lower neighbour:
/// rows * (cols - 1) + cols * (rows - 1) links. Ids <prefix><row>-<col>, from 0. No randomness.
struct GridParams {
    std::size_t rows = 0;
    std::size_t cols = 0;
    GeneratedLink link;
    std::string prefix = "g";
};
GeneratedTopology grid(const GridParams& p);

/// Complete `fanout`-ary tree of `depth` levels below the root: sum of fanout^k for
/// k = 0..depth nodes, one fewer links. Numbered breadth-first (<prefix>0 is the root, the
/// children of i are fanout*i+1 .. fanout*i+fanout). No randomness.
struct TreeParams {
    std::size_t depth = 0;
    std::size_t fanout = 2;
    GeneratedLink link;
    std::string prefix = "g";
};
GeneratedTopology tree(const TreeParams& p);

/// Two-tier ISP: `backbone` core routers <prefix>bb<i> on a ring (a single link for two,
/// none for one) plus `chords` extra links between random non-adjacent core pairs (fewer if
/// the core is complete before); `access` routers <prefix>ar<i>-<j> per core router i,
/// each linked to it and, if `dual_homed`, also to the next core router on the ring.
struct IspParams {
    std::size_t backbone = 0;
    std::size_t access = 0;
    std::size_t chords = 0;
    bool dual_homed = false;
    GeneratedLink backbone_link{std::chrono::milliseconds(5), 100'000'000'000};
    GeneratedLink access_link{std::chrono::milliseconds(1), 10'000'000'000};
    std::string prefix;
};
GeneratedTopology isp(const IspParams& p, Rng& rng);

}  // namespace sim::net
