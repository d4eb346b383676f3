// ModelSpec: everything a run needs, already validated. sim/scenario builds it from a
// scenario file; the model never sees JSON. All times are integer nanoseconds, all
// random quantities are Distributions in base units (ns or bytes), all references are
// resolved to dense indices.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/distribution.hpp"
#include "sim/core/time.hpp"
#include "sim/net/spec.hpp"

namespace sim::model {

using net::NodeIndex;
using UserIndex = std::uint32_t;
inline constexpr UserIndex kNoUser = UINT32_MAX;

/// Content types of a message; compression ratio and size model depend on it.
enum class Content : std::uint8_t { Text, Image, Video, Voice, File };
inline constexpr std::size_t kContentCount = 5;
const char* content_name(Content c);

struct ServerSpec {
    std::uint32_t workers = 1;
    Distribution service_time;                   ///< ns
    std::uint64_t queue_capacity = 10000;        ///< messages waiting for a worker
    std::uint64_t storage_capacity = 1'000'000;  ///< messages held for offline devices
    Duration storage_ttl = std::chrono::hours(24 * 30);
    /// Stored messages survive a crash of the server (storage.durable); when false, a crash
    /// loses them, counted as `lost`.
    bool durable = true;
};

struct NodeSpec {
    std::string id;
    net::NodeKind kind = net::NodeKind::Router;
    std::string type;          ///< phones: "phone", "laptop", ... (informative)
    UserIndex user = kNoUser;  ///< phones: owner
    std::string access;        ///< phones: access technology (profile name)
    std::optional<net::Location> location;
    std::string region;  ///< servers
    ServerSpec server;   ///< servers only
};

struct UserSpec {
    std::string id;
    std::vector<NodeIndex> devices;                       ///< phones of this user; devices[0] sends
    Distribution read_delay = Distribution::constant(0);  ///< ns
    /// Home server for server_selection "home"; kNoNode: the one nearest its first device.
    NodeIndex home = net::kNoNode;
};

/// Offline intervals of one device, sorted and disjoint, each [from, to).
struct PresenceSpec {
    NodeIndex device = net::kNoNode;
    std::vector<std::pair<Time, Time>> offline;
};

struct ProcessingSpec {
    Distribution encode, compress, encrypt, decrypt, display, notify;  ///< ns each
};

struct TransportSpec {
    Duration rto = std::chrono::milliseconds(250);
    double backoff = 2.0;
    std::uint32_t max_retries = 6;
    /// Packets of one message in flight (sent, not yet acknowledged) at most; the rest
    /// wait at the sender. Keeps a large message from flooding its own access queue.
    std::uint32_t window = 32;
};

struct ProtocolSpec {
    std::uint64_t mtu = 1400;   ///< bytes per packet on the wire, header included
    std::uint64_t header = 52;  ///< bytes of header per packet
    std::array<double, kContentCount> compression{0.6, 0.95, 0.98, 0.9, 0.9};  ///< out/in
    std::uint64_t encryption_overhead = 64;  ///< bytes added per message
    ProcessingSpec processing;
    TransportSpec transport;
    bool delivered_receipts = true;
    bool read_receipts = true;
    /// Push notifications: when on, a device coming back online fetches its backlog only
    /// after the push wakes the app (`push_delay`, drawn per reconnection).
    bool push = false;
    Distribution push_delay = Distribution::constant(1e9);  ///< ns
    /// Where conversation history is kept: "device", "cloud" or "both".
    std::string history = "device";
};

struct RoutingSpec {
    std::string policy = "shortest-path";
    std::string server_selection = "nearest";
    Duration update_interval = std::chrono::milliseconds(100);
    /// How long after a link or node fails (or recovers) routing reacts.
    Duration detection_delay = std::chrono::milliseconds(100);
    /// How a region's server instances share its traffic: "none" (every server stands
    /// alone), "round-robin", "least-loaded" or "consistent-hash" (on the recipient user).
    std::string load_balancer = "none";
    /// Points per instance on the consistent-hash ring.
    std::uint32_t virtual_nodes = 100;
};

/// One explicit message.
struct MessageSpec {
    Time at;
    UserIndex from = kNoUser;
    UserIndex to = kNoUser;
    Content content = Content::Text;
    std::uint64_t size_bytes = 0;  ///< plaintext size (UTF-8 bytes for text)
};

/// How a Poisson sender picks the recipient of each message when `to` is kNoUser.
enum class RecipientChoice : std::uint8_t {
    Uniform,   ///< any other user of the pool, equally likely
    Zipf,      ///< the pool's k-th user (k = 1, 2, ...) with weight 1 / k^zipf_s
    Contacts,  ///< one of a few contacts, fixed per sender (drawn from the pool by hash)
};

/// Poisson message arrivals per sending user.
struct PoissonSpec {
    std::vector<UserIndex> users;  ///< senders, sorted
    double rate_per_s = 0;         ///< per sender
    UserIndex to = kNoUser;        ///< kNoUser: a random other user of the pool
    /// The recipient pool: users [pool_begin, pool_end); pool_end kNoUser means all users.
    UserIndex pool_begin = 0;
    UserIndex pool_end = kNoUser;
    RecipientChoice choice = RecipientChoice::Uniform;
    double zipf_s = 1.0;
    std::uint32_t contacts = 10;
    Content content = Content::Text;
    Distribution size;  ///< bytes
    Time start = kTimeZero;
    Time stop = kTimeMax;
};

/// Network-layer datagrams ("layer": "network"): routed device to device with no server,
/// no transport and no app stages, for raw network experiments.
struct DatagramSpec {
    enum class Pattern : std::uint8_t { Cbr, Poisson };
    NodeIndex from = net::kNoNode;
    NodeIndex to = net::kNoNode;
    Pattern pattern = Pattern::Cbr;
    double rate_per_s = 0;
    Distribution size;  ///< bytes on the wire
    Time start = kTimeZero;
    Time stop = kTimeMax;
    std::uint64_t count = UINT64_MAX;  ///< at most this many
    bool random_phase = false;         ///< CBR: the first one at start + U(0, 1/rate)
};

struct FaultSpec {
    Time at;
    Duration down_for{0};
    std::optional<std::uint32_t> link;  ///< index into links
    std::optional<NodeIndex> node;
};

enum class TraceLevel : std::uint8_t { None, Messages, Packets, Events };

struct Expectation {
    std::string metric;  ///< dotted path into summary.json, e.g. "latency_ms.p99"
    std::optional<double> min, max, equals;
    std::string where;  ///< JSON path of the entry, for messages
};

/// What a population block expanded to: its users, devices and access links are contiguous
/// ranges of users, nodes and links. Reports aggregate them instead of listing each.
struct PopulationRange {
    std::string name;  ///< its id prefix
    UserIndex first_user = 0, users = 0;
    NodeIndex first_device = 0, devices = 0;
    std::uint32_t first_link = 0;  ///< device k's access link is first_link + k
};

struct ModelSpec {
    /// True for a device made by a population block.
    bool generated_device(NodeIndex n) const {
        for (const PopulationRange& p : populations)
            if (n >= p.first_device && n - p.first_device < p.devices) return true;
        return false;
    }

    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    Duration duration = std::chrono::seconds(60);
    std::vector<NodeSpec> nodes;
    std::vector<net::LinkSpec> links;
    std::vector<UserSpec> users;
    std::vector<PresenceSpec> presence;
    ProtocolSpec protocol;
    RoutingSpec routing;
    std::vector<MessageSpec> messages;
    std::vector<PoissonSpec> poisson;
    std::vector<DatagramSpec> datagrams;
    std::vector<FaultSpec> faults;
    std::vector<PopulationRange> populations;
    TraceLevel trace = TraceLevel::Messages;
    Duration timeseries_interval{0};  ///< output.timeseries.interval; 0: no time series
    std::vector<Expectation> expect;
};

}  // namespace sim::model
