#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "sim/net/topology.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/population.hpp"
#include "sim/scenario/profiles.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/topology_import.hpp"
#include "sim/scenario/units.hpp"

namespace sim::scenario {

using model::UserIndex;
using net::NodeIndex;
using net::NodeKind;
using nlohmann::json;

namespace {

constexpr std::uint32_t kNoLink = UINT32_MAX;
constexpr std::uint64_t kMaxCount = 1'000'000'000'000;  // queue and storage capacities
constexpr std::uint64_t kMaxWorkers = 1'000'000;
constexpr std::uint64_t kMaxMtu = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxRetries = 1000;
constexpr std::uint64_t kMaxWindow = 1'000'000;  // packets in flight per message
constexpr double kMaxBackoff = 100;
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;

// --- small value parsers (throw UnitError; the caller adds the path) ---------------------

auto choice_of(std::vector<std::string> choices, std::string noun) {
    return [choices = std::move(choices), noun = std::move(noun)](const json& v) {
        return choices[parse_choice(v, choices, noun)];
    };
}

Duration parse_positive_duration(const json& value) {
    const Duration d = parse_duration(value);
    if (d <= Duration::zero()) throw UnitError("must be positive, got " + describe(value));
    return d;
}

/// The scenario name becomes the default output directory (out/<name>), so it must be a
/// plain directory name.
std::string parse_scenario_name(const json& value) {
    std::string name = parse_name(value);
    const bool control = std::any_of(name.begin(), name.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (name == "." || name == ".." || control || name.find_first_of("/\\") != std::string::npos) {
        throw UnitError(
            "the name is used as a directory name (out/<name>), so it cannot be "
            "\".\" or \"..\" or contain \"/\", \"\\\" or control characters; got " +
            describe(value));
    }
    return name;
}

double parse_compression_ratio(const json& value) {
    const double r = parse_number(value);
    if (!(r > 0 && r <= 1)) {
        throw UnitError("a compression ratio (output/input) must be in (0, 1], got " +
                        describe(value));
    }
    return r;
}

net::Location read_location(const json& value, const std::string& path) {
    const ObjectReader r(value, path, {"lat", "lon"});
    net::Location loc;
    loc.lat = r.get("lat", parse_number);
    loc.lon = r.get("lon", parse_number);
    if (loc.lat < -90 || loc.lat > 90) r.fail("lat", "latitude must be in [-90, 90]");
    if (loc.lon < -180 || loc.lon > 180) r.fail("lon", "longitude must be in [-180, 180]");
    return loc;
}

/// A probability (Bernoulli loss) or {"model": "bernoulli"|"gilbert-elliott"|"none", ...}.
net::LossSpec read_loss(const json& value, const std::string& path) {
    net::LossSpec loss;
    if (value.is_number()) {
        loss.p = parse_at(value, path, parse_probability);
        loss.model = loss.p > 0 ? net::LossSpec::Model::Bernoulli : net::LossSpec::Model::None;
        return loss;
    }
    if (!value.is_object()) {
        throw PathError(path,
                        "expected a loss probability or an object like {\"model\": "
                        "\"gilbert-elliott\", ...}, got " +
                            describe(value));
    }
    const auto model_it = value.find("model");
    if (model_it == value.end()) {
        throw PathError(path,
                        "missing required key \"model\" (bernoulli, gilbert-elliott or none)");
    }
    static const std::vector<std::string> models{"none", "bernoulli", "gilbert-elliott"};
    const std::size_t m = parse_at(*model_it, child_path(path, "model"), [](const json& v) {
        return parse_choice(v, models, "loss model");
    });
    // Each model's reader rejects the other models' parameters as unknown keys.
    if (m == 0) {
        const ObjectReader r(value, path, {"model"});
        return loss;
    }
    if (m == 1) {
        const ObjectReader r(value, path, {"model", "p"});
        loss.p = r.get("p", parse_probability);
        loss.model = net::LossSpec::Model::Bernoulli;
        return loss;
    }
    // Gilbert-Elliott; loss_bad defaults to 1, Gilbert's original model.
    const ObjectReader r(value, path,
                         {"model", "p_good_bad", "p_bad_good", "loss_good", "loss_bad", "loss_rate",
                          "burst_length"});
    loss.model = net::LossSpec::Model::GilbertElliott;
    if (r.has("loss_rate") || r.has("burst_length")) {
        // The way people think of bursty loss: a long-run loss rate and a mean burst
        // length (in packets). With loss_good = 0 and loss_bad = 1 a burst is a stay in the
        // bad state, geometric with mean 1 / p_bad_good, and the stationary share of the bad
        // state pi_B = p_good_bad / (p_good_bad + p_bad_good) is the loss rate.
        for (const char* k : {"p_good_bad", "p_bad_good", "loss_good", "loss_bad"}) {
            if (r.has(k)) {
                r.fail(k, "give either loss_rate and burst_length, or the chain's parameters");
            }
        }
        const double rate = r.get("loss_rate", parse_probability);
        const double burst = r.get("burst_length", parse_number);
        if (!(rate < 1)) r.fail("loss_rate", "a loss rate of 1 loses everything; give less");
        if (!(burst >= 1)) r.fail("burst_length", "a burst lasts at least 1 packet");
        loss.p_bad_good = 1.0 / burst;
        loss.p_good_bad = rate * loss.p_bad_good / (1.0 - rate);
        if (loss.p_good_bad > 1) {
            r.fail("loss_rate", "too high for bursts this short: the chain cannot reach it");
        }
        loss.loss_good = 0.0;
        loss.loss_bad = 1.0;
        return loss;
    }
    loss.p_good_bad = r.get("p_good_bad", parse_probability);
    loss.p_bad_good = r.get("p_bad_good", parse_probability);
    loss.loss_good = r.get_or("loss_good", parse_probability, 0.0);
    loss.loss_bad = r.get_or("loss_bad", parse_probability, 1.0);
    return loss;
}

/// {"min": .., "max": .., "p_max": 0.1, "weight": 0.002}: RED on a link's queues, the
/// thresholds in the queue's own unit ("20pkt" for a queue in packets, bytes otherwise).
net::RedSpec read_red(const json& value, const std::string& path, const net::QueueSpec& queue) {
    const ObjectReader r(value, path, {"min", "max", "p_max", "weight"});
    net::RedSpec red;
    red.enabled = true;
    auto threshold = [&](const char* key) {
        const net::QueueSpec q = r.get(key, parse_queue);
        if (q.unit != queue.unit) {
            r.fail(key, queue.unit == net::QueueSpec::Unit::Packets
                            ? "the queue is counted in packets: give a threshold like \"20pkt\""
                            : "the queue is counted in bytes: give a threshold like \"64KiB\"");
        }
        if (q.capacity > queue.capacity) r.fail(key, "above the queue's capacity");
        return static_cast<double>(q.capacity);
    };
    red.min = threshold("min");
    red.max = threshold("max");
    if (!(red.max > red.min)) r.fail("max", "\"max\" must be above \"min\"");
    red.p_max = r.get_or("p_max", parse_probability, red.p_max);
    red.weight = r.get_or("weight", parse_probability, red.weight);
    if (!(red.weight > 0)) r.fail("weight", "the averaging weight must be positive");
    return red;
}

// --- the loader ----------------------------------------------------------------------------

class Loader {
public:
    Loader(const json& doc, std::string file_name) : doc_(doc), file_name_(std::move(file_name)) {}
    model::ModelSpec load();

private:
    void read_profiles(const ObjectReader& top);
    bool read_topology(const ObjectReader& top);
    void read_nodes(const ObjectReader& top, bool optional);
    void read_links(const ObjectReader& top, bool optional);
    void read_link(const json& value, const std::string& path);
    void check_reachability() const;
    void read_users(const ObjectReader& top);
    void read_presence(const ObjectReader& top);
    void read_population(const ObjectReader& top);
    void read_protocol(const ObjectReader& top);
    void read_routing(const ObjectReader& top);
    void read_traffic(const ObjectReader& top);
    void read_message(const json& value, const std::string& path);
    void read_poisson(const json& value, const std::string& path);
    void read_datagrams(const json& value, const std::string& path);
    void read_faults(const ObjectReader& top);
    void read_output(const ObjectReader& top);
    void read_expect(const ObjectReader& top);

    NodeIndex node_ref(const json& value, const std::string& path) const;
    NodeIndex phone_ref(const json& value, const std::string& path) const;
    /// A user's home: a server id, or a region (its first server in node order).
    NodeIndex home_server(const json& value, const std::string& path) const;
    UserIndex user_ref(const json& value, const std::string& path) const;
    const AccessProfile& profile_ref(const std::string& name, const std::string& path) const;
    UserIndex user_named(const std::string& id);

    const json& doc_;
    std::string file_name_;  ///< for warnings, and its directory for relative paths
    model::ModelSpec spec_;
    std::map<std::string, AccessProfile> profiles_;

    std::unordered_map<std::string, NodeIndex> node_by_id_;
    std::vector<std::string> node_ids_;       ///< in node order, for suggestions
    std::vector<std::string> node_path_;      ///< "/nodes/3"
    std::vector<std::string> declared_user_;  ///< a phone's own "user" key, or ""
    std::vector<std::uint32_t> access_link_;  ///< a phone's link, or kNoLink

    std::map<std::pair<NodeIndex, NodeIndex>, std::uint32_t> link_by_ends_;  ///< (min, max)
    std::vector<std::string> link_path_;

    std::unordered_map<std::string, UserIndex> user_by_id_;
    std::vector<std::string> user_ids_;
};

model::ModelSpec Loader::load() {
    if (!doc_.is_object()) {
        throw PathError("", "a scenario is a JSON object, got " + describe(doc_));
    }
    const ObjectReader top(doc_, "",
                           {"name", "description", "comment", "seed", "duration", "profiles",
                            "nodes", "links", "users", "presence", "protocol", "routing", "traffic",
                            "faults", "output", "expect", "population", "import", "generate"});
    spec_.name = top.get("name", parse_scenario_name);
    spec_.description = top.notes();
    spec_.seed = top.get_or("seed", integer_in(0, UINT64_MAX), spec_.seed);
    spec_.duration = top.get_or("duration", parse_positive_duration, spec_.duration);

    read_profiles(top);
    // Imported or generated routers and links come first, so "nodes" and "links" can refer
    // to them (and may be left out).
    const bool topology = read_topology(top);
    read_nodes(top, topology);
    read_links(top, topology);
    read_users(top);
    check_reachability();
    read_presence(top);
    read_population(top);
    read_protocol(top);
    read_routing(top);
    read_traffic(top);
    read_faults(top);
    read_output(top);
    read_expect(top);
    return std::move(spec_);
}

// --- references ------------------------------------------------------------------------

NodeIndex Loader::node_ref(const json& value, const std::string& path) const {
    const std::string id = parse_at(value, path, parse_name);
    const auto it = node_by_id_.find(id);
    if (it == node_by_id_.end()) {
        throw PathError(path, "unknown node " + in_quotes(id) + suggestion(id, node_ids_, "nodes"));
    }
    return it->second;
}

NodeIndex Loader::phone_ref(const json& value, const std::string& path) const {
    const NodeIndex n = node_ref(value, path);
    if (spec_.nodes[n].kind != NodeKind::Phone) {
        const char* kind = spec_.nodes[n].kind == NodeKind::Router ? "router" : "server";
        throw PathError(path, in_quotes(node_ids_[n]) + " is a " + kind + ", not a phone");
    }
    return n;
}

NodeIndex Loader::home_server(const json& value, const std::string& path) const {
    const std::string name = parse_at(value, path, parse_name);
    std::vector<std::string> choices;
    for (NodeIndex n = 0; n < spec_.nodes.size(); ++n) {
        const model::NodeSpec& node = spec_.nodes[n];
        if (node.kind != NodeKind::Server) continue;
        if (node.id == name || node.region == name) return n;
        choices.push_back(node.id);
        if (!node.region.empty()) choices.push_back(node.region);
    }
    throw PathError(path, "no server or region " + in_quotes(name) +
                              suggestion(name, choices, "servers and regions"));
}

UserIndex Loader::user_ref(const json& value, const std::string& path) const {
    const std::string id = parse_at(value, path, parse_name);
    const auto it = user_by_id_.find(id);
    if (it != user_by_id_.end()) return it->second;
    const auto node = node_by_id_.find(id);
    if (node != node_by_id_.end() && spec_.nodes[node->second].user != model::kNoUser) {
        const std::string& owner = user_ids_[spec_.nodes[node->second].user];
        throw PathError(path, in_quotes(id) + " is a device; messages go to users (its user is " +
                                  in_quotes(owner) + ")");
    }
    throw PathError(path, "unknown user " + in_quotes(id) + suggestion(id, user_ids_, "users"));
}

const AccessProfile& Loader::profile_ref(const std::string& name, const std::string& path) const {
    const auto it = profiles_.find(name);
    if (it == profiles_.end()) {
        std::vector<std::string> names;
        for (const auto& [n, p] : profiles_) {
            names.push_back(n);
        }
        throw PathError(path,
                        "unknown profile " + in_quotes(name) + suggestion(name, names, "profiles"));
    }
    return it->second;
}

UserIndex Loader::user_named(const std::string& id) {
    const auto [it, added] = user_by_id_.try_emplace(id, static_cast<UserIndex>(user_ids_.size()));
    if (added) {
        user_ids_.push_back(id);
        spec_.users.push_back({.id = id, .devices = {}});
    }
    return it->second;
}

// --- profiles, nodes, links ------------------------------------------------------------

void Loader::read_profiles(const ObjectReader& top) {
    profiles_ = builtin_profiles();
    const json* all = top.find("profiles");
    if (all == nullptr) return;
    if (!all->is_object()) {
        throw PathError("/profiles", "expected an object of named profiles, got " + describe(*all));
    }
    for (const auto& [name, body] : all->items()) {
        const std::string path = child_path("/profiles", name);
        if (name.empty()) throw PathError(path, "a profile name must not be empty");
        const ObjectReader r(body, path,
                             {"latency", "bandwidth", "loss", "queue", "description", "comment"});
        r.notes();
        // Field by field: what the scenario leaves out keeps the built-in value, if any.
        AccessProfile& profile = profiles_[name];
        if (auto v = r.get_optional("latency", parse_duration)) profile.latency = v;
        if (auto v = r.get_optional("bandwidth", parse_bandwidth)) profile.bandwidth_bps = v;
        if (const json* v = r.find("loss")) profile.loss = read_loss(*v, r.path("loss"));
        if (auto v = r.get_optional("queue", parse_queue)) profile.queue = v;
    }
}

bool Loader::read_topology(const ObjectReader& top) {
    const json* imported = top.find("import");
    const json* generated = top.find("generate");
    if (imported != nullptr && generated != nullptr) {
        top.fail("generate", "give \"import\" or \"generate\", not both");
    }
    if (imported == nullptr && generated == nullptr) return false;
    const std::string path = imported != nullptr ? "/import" : "/generate";
    TopologyPart part =
        imported != nullptr
            ? read_import(*imported, path, std::filesystem::path(file_name_).parent_path())
            : read_generate(*generated, path, spec_.seed);
    print_warnings(part, file_name_, path);
    // The part's ids are unique and it comes first, so no duplicate checks are needed.
    for (std::size_t i = 0; i < part.nodes.size(); ++i) {
        const auto index = static_cast<NodeIndex>(spec_.nodes.size());
        node_by_id_.emplace(part.nodes[i].id, index);
        node_ids_.push_back(part.nodes[i].id);
        node_path_.push_back(part.origins[i]);
        declared_user_.emplace_back();
        access_link_.push_back(kNoLink);
        spec_.nodes.push_back(std::move(part.nodes[i]));
    }
    for (net::LinkSpec& link : part.links) {
        link_by_ends_.emplace(std::minmax(link.a, link.b),
                              static_cast<std::uint32_t>(spec_.links.size()));
        link_path_.push_back(path);
        spec_.links.push_back(std::move(link));
    }
    return true;
}

void Loader::read_nodes(const ObjectReader& top, bool optional) {
    static const std::vector<std::string> kinds{"phone", "router", "server"};
    static const std::vector<std::string> phone_keys{"user", "access", "type"};
    static const std::vector<std::string> server_keys{"region", "workers", "service_time",
                                                      "queue_capacity", "storage"};
    if (optional && !top.has("nodes")) return;
    const auto& nodes = array_at(top.required("nodes"), "/nodes");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const std::string path = child_path("/nodes", i);
        const ObjectReader r(
            nodes[i], path,
            {"id", "kind", "description", "comment", "location", "user", "access", "type", "region",
             "workers", "service_time", "queue_capacity", "storage"});
        r.notes();
        model::NodeSpec node;
        node.id = r.get("id", parse_name);
        if (const auto it = node_by_id_.find(node.id); it != node_by_id_.end()) {
            r.fail("id", "duplicate node id " + in_quotes(node.id) + " (first at " +
                             node_path_[it->second] + ")");
        }
        const std::size_t kind =
            r.get("kind", [](const json& v) { return parse_choice(v, kinds, "node kind"); });
        node.kind = static_cast<NodeKind>(kind);  // same order as net::NodeKind
        for (const auto& [keys, owner] :
             {std::pair{&phone_keys, NodeKind::Phone}, std::pair{&server_keys, NodeKind::Server}}) {
            if (node.kind == owner) continue;
            for (const std::string& key : *keys) {
                if (r.has(key)) {
                    r.fail(key, in_quotes(key) + " is only valid on " +
                                    kinds[static_cast<std::size_t>(owner)] + " nodes, and " +
                                    in_quotes(node.id) + " is a " + kinds[kind]);
                }
            }
        }
        if (const json* v = r.find("location")) {
            node.location = read_location(*v, r.path("location"));
        }

        std::string declared_user;
        if (node.kind == NodeKind::Phone) {
            node.type = r.get_or("type", parse_name, std::string("phone"));
            declared_user = r.get_or("user", parse_name, std::string());
            if (auto access = r.get_optional("access", parse_name)) {
                profile_ref(*access, r.path("access"));
                node.access = *access;
            }
        } else if (node.kind == NodeKind::Server) {
            node.region = r.get_or("region", parse_string, std::string());
            node.server.workers = static_cast<std::uint32_t>(r.get_or(
                "workers", integer_in(1, kMaxWorkers), std::uint64_t{node.server.workers}));
            node.server.service_time =
                r.get_or("service_time", parse_random_duration, node.server.service_time);
            node.server.queue_capacity =
                r.get_or("queue_capacity", integer_in(1, kMaxCount), node.server.queue_capacity);
            if (const json* v = r.find("storage")) {
                const ObjectReader s(*v, r.path("storage"), {"capacity", "ttl", "durable"});
                node.server.storage_capacity =
                    s.get_or("capacity", integer_in(0, kMaxCount), node.server.storage_capacity);
                node.server.storage_ttl = s.get_or("ttl", parse_duration, node.server.storage_ttl);
                node.server.durable = s.get_or("durable", parse_bool, node.server.durable);
            }
        }
        const auto index = static_cast<NodeIndex>(spec_.nodes.size());
        node_by_id_.emplace(node.id, index);
        node_ids_.push_back(node.id);
        node_path_.push_back(path);
        declared_user_.push_back(declared_user);
        access_link_.push_back(kNoLink);
        spec_.nodes.push_back(std::move(node));
    }
}

void Loader::read_links(const ObjectReader& top, bool optional) {
    if (!optional || top.has("links")) {
        const auto& links = array_at(top.required("links"), "/links");
        for (std::size_t i = 0; i < links.size(); ++i) {
            read_link(links[i], child_path("/links", i));
        }
    }
    for (NodeIndex n = 0; n < spec_.nodes.size(); ++n) {
        model::NodeSpec& node = spec_.nodes[n];
        if (node.kind != NodeKind::Phone) continue;
        if (access_link_[n] == kNoLink) {
            throw PathError(node_path_[n], "phone " + in_quotes(node.id) +
                                               " has no link; a phone needs exactly one (its "
                                               "access link)");
        }
        // A phone without "access" is described by its link's profile, if any.
        if (node.access.empty()) node.access = spec_.links[access_link_[n]].profile;
    }
}

void Loader::read_link(const json& value, const std::string& path) {
    const ObjectReader r(value, path,
                         {"from", "to", "profile", "latency", "bandwidth", "loss", "queue", "red",
                          "description", "comment"});
    r.notes();
    net::LinkSpec link;
    link.a = node_ref(r.required("from"), r.path("from"));
    link.b = node_ref(r.required("to"), r.path("to"));
    const auto index = static_cast<std::uint32_t>(spec_.links.size());
    if (link.a == link.b) {
        r.fail("to", "a link from " + in_quotes(node_ids_[link.a]) + " to itself");
    }
    const std::pair<NodeIndex, NodeIndex> ends = std::minmax(link.a, link.b);
    if (const auto it = link_by_ends_.find(ends); it != link_by_ends_.end()) {
        r.fail("duplicate link between " + in_quotes(node_ids_[link.a]) + " and " +
               in_quotes(node_ids_[link.b]) + " (first at " + link_path_[it->second] + ")");
    }
    const bool a_phone = spec_.nodes[link.a].kind == NodeKind::Phone;
    const bool b_phone = spec_.nodes[link.b].kind == NodeKind::Phone;
    if (a_phone && b_phone) {
        r.fail("to", "a link between two phones; a phone attaches to a router or a server");
    }
    const NodeIndex phone = a_phone ? link.a : b_phone ? link.b : net::kNoNode;
    if (phone != net::kNoNode && access_link_[phone] != kNoLink) {
        r.fail(in_quotes(node_ids_[phone]) + " already has its access link at " +
               link_path_[access_link_[phone]] + "; a phone has exactly one link");
    }

    // Each field: explicit key > the link's profile > the phone's access profile > default.
    const AccessProfile* link_profile = nullptr;
    if (auto name = r.get_optional("profile", parse_name)) {
        link_profile = &profile_ref(*name, r.path("profile"));
        link.profile = *name;
    }
    const AccessProfile* phone_profile = nullptr;
    if (phone != net::kNoNode && !spec_.nodes[phone].access.empty()) {
        phone_profile = &profiles_.at(spec_.nodes[phone].access);
        if (link.profile.empty()) link.profile = spec_.nodes[phone].access;
    }
    const auto inherited = [&](auto field) {
        std::remove_cvref_t<decltype(AccessProfile{}.*field)> v;
        if (link_profile != nullptr) v = link_profile->*field;
        if (!v && phone_profile != nullptr) v = phone_profile->*field;
        return v;
    };

    if (const json* latency = r.find("latency"); latency != nullptr && *latency == "auto") {
        for (const NodeIndex end : {link.a, link.b}) {
            if (!spec_.nodes[end].location) {
                r.fail("latency", "\"auto\" needs a location on both ends, and " +
                                      in_quotes(node_ids_[end]) + " has none");
            }
        }
        link.latency = net::fibre_delay(
            net::great_circle_m(*spec_.nodes[link.a].location, *spec_.nodes[link.b].location));
    } else if (latency != nullptr) {
        link.latency = parse_at(*latency, r.path("latency"), parse_duration);
    } else if (auto v = inherited(&AccessProfile::latency)) {
        link.latency = *v;
    } else {
        r.fail(
            "missing required key \"latency\" (a duration, or \"auto\" with locations on "
            "both ends; or give the link a \"profile\")");
    }
    link.bandwidth_bps =
        r.get_optional("bandwidth", parse_bandwidth)
            .value_or(inherited(&AccessProfile::bandwidth_bps).value_or(1'000'000'000));
    if (const json* loss = r.find("loss")) {
        link.loss = read_loss(*loss, r.path("loss"));
    } else {
        link.loss = inherited(&AccessProfile::loss).value_or(net::LossSpec{});
    }
    link.queue = r.get_optional("queue", parse_queue)
                     .value_or(inherited(&AccessProfile::queue).value_or(net::QueueSpec{}));
    if (const json* red = r.find("red")) link.red = read_red(*red, r.path("red"), link.queue);

    if (phone != net::kNoNode) access_link_[phone] = index;
    link_by_ends_.emplace(ends, index);
    link_path_.push_back(path);
    spec_.links.push_back(std::move(link));
}

void Loader::check_reachability() const {
    std::vector<NodeKind> kinds;
    for (const model::NodeSpec& n : spec_.nodes) {
        kinds.push_back(n.kind);
    }
    if (std::find(kinds.begin(), kinds.end(), NodeKind::Server) == kinds.end()) {
        throw PathError("/nodes",
                        "no server: a scenario needs at least one node of kind "
                        "\"server\"");
    }
    const std::vector<std::uint32_t> component = net::connected_components(kinds, spec_.links);
    std::set<std::uint32_t> with_server;
    for (NodeIndex n = 0; n < kinds.size(); ++n) {
        if (kinds[n] == NodeKind::Server) with_server.insert(component[n]);
    }
    for (NodeIndex n = 0; n < kinds.size(); ++n) {
        if (kinds[n] != NodeKind::Phone) continue;
        // The phone's own component is unreliable (phones never join components), so take
        // the one of the far end of its access link.
        const net::LinkSpec& link = spec_.links[access_link_[n]];
        const NodeIndex peer = link.a == n ? link.b : link.a;
        if (!with_server.contains(component[peer])) {
            throw PathError(node_path_[n], "phone " + in_quotes(node_ids_[n]) +
                                               " cannot reach any server: its access link "
                                               "leads to " +
                                               in_quotes(node_ids_[peer]) +
                                               ", which has no path to a server");
        }
    }
}

// --- users and presence ------------------------------------------------------------------

void Loader::read_users(const ObjectReader& top) {
    // User indices follow first mention: phones' "user" keys in node order, then "users".
    for (NodeIndex n = 0; n < spec_.nodes.size(); ++n) {
        if (!declared_user_[n].empty()) user_named(declared_user_[n]);
    }
    std::vector<std::string> owner = declared_user_;  // final owner of each phone
    std::vector<char> in_a_list(spec_.nodes.size(), 0);
    std::unordered_map<std::string, std::string> entry_path;  // user id -> its entry
    std::set<UserIndex> with_list;                            // users whose entry lists devices
    if (const json* users = top.find("users")) {
        const auto& entries = array_at(*users, "/users");
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const std::string path = child_path("/users", i);
            const ObjectReader r(entries[i], path,
                                 {"id", "devices", "read_delay", "home", "description", "comment"});
            r.notes();
            const std::string id = r.get("id", parse_name);
            if (const auto it = entry_path.find(id); it != entry_path.end()) {
                r.fail("id", "duplicate user " + in_quotes(id) + " (first at " + it->second + ")");
            }
            entry_path.emplace(id, path);
            const UserIndex u = user_named(id);
            model::UserSpec& user = spec_.users[u];
            user.read_delay = r.get_or("read_delay", parse_random_duration, user.read_delay);
            if (const json* home = r.find("home")) user.home = home_server(*home, r.path("home"));
            const json* devices = r.find("devices");
            if (devices == nullptr) continue;
            const auto& list = array_at(*devices, r.path("devices"));
            if (list.empty()) r.fail("devices", "a user needs at least one device");
            for (std::size_t k = 0; k < list.size(); ++k) {
                const std::string device_path = child_path(r.path("devices"), k);
                const NodeIndex d = phone_ref(list[k], device_path);
                if (in_a_list[d] && owner[d] == id) {
                    throw PathError(device_path, in_quotes(node_ids_[d]) + " is listed twice");
                }
                if (!owner[d].empty() && owner[d] != id) {
                    throw PathError(device_path, "phone " + in_quotes(node_ids_[d]) +
                                                     " belongs to user " + in_quotes(owner[d]));
                }
                owner[d] = id;
                in_a_list[d] = 1;
                user.devices.push_back(d);
            }
            with_list.insert(u);
        }
    }
    for (NodeIndex n = 0; n < spec_.nodes.size(); ++n) {
        if (spec_.nodes[n].kind != NodeKind::Phone) continue;
        if (owner[n].empty()) {
            throw PathError(node_path_[n], "phone " + in_quotes(node_ids_[n]) +
                                               " has no user: give it a \"user\" or list it in "
                                               "a user's \"devices\"");
        }
        const UserIndex u = user_by_id_.at(owner[n]);
        spec_.nodes[n].user = u;
        if (!with_list.contains(u)) {
            spec_.users[u].devices.push_back(n);  // phones in node order
        } else if (!in_a_list[n]) {
            // A list is the user's complete device order; a phone left out is a mistake.
            throw PathError(entry_path.at(owner[n]) + "/devices",
                            "does not list " + in_quotes(node_ids_[n]) + ", whose user is " +
                                in_quotes(owner[n]) + " (" + node_path_[n] + "/user)");
        }
    }
    for (const model::UserSpec& user : spec_.users) {
        if (user.devices.empty()) {
            throw PathError(entry_path.at(user.id), "user " + in_quotes(user.id) +
                                                        " has no device: list its \"devices\" "
                                                        "or name it as a phone's \"user\"");
        }
    }
}

void Loader::read_presence(const ObjectReader& top) {
    const json* all = top.find("presence");
    if (all == nullptr) return;
    const auto& entries = array_at(*all, "/presence");
    std::unordered_map<NodeIndex, std::string> seen;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string path = child_path("/presence", i);
        const ObjectReader r(entries[i], path, {"device", "offline", "description", "comment"});
        r.notes();
        model::PresenceSpec presence;
        presence.device = phone_ref(r.required("device"), r.path("device"));
        if (const auto it = seen.find(presence.device); it != seen.end()) {
            r.fail("device", "the presence of " + in_quotes(node_ids_[presence.device]) +
                                 " is already given at " + it->second);
        }
        seen.emplace(presence.device, path);
        const auto& intervals = array_at(r.required("offline"), r.path("offline"));
        for (std::size_t k = 0; k < intervals.size(); ++k) {
            const std::string interval_path = child_path(r.path("offline"), k);
            const auto& pair = array_at(intervals[k], interval_path);
            if (pair.size() != 2) {
                throw PathError(interval_path, "expected [from, to], got " +
                                                   std::to_string(pair.size()) + " values");
            }
            const Time from = parse_at(pair[0], child_path(interval_path, 0), parse_instant);
            const Time to = parse_at(pair[1], child_path(interval_path, 1), parse_instant);
            if (to <= from) {
                throw PathError(interval_path, "the interval must end after it starts, got [" +
                                                   describe(pair[0]) + ", " + describe(pair[1]) +
                                                   "]");
            }
            if (!presence.offline.empty()) {
                const auto [prev_from, prev_to] = presence.offline.back();
                if (from < prev_from) {
                    throw PathError(interval_path,
                                    "intervals must be sorted by start; this one starts before "
                                    "the previous one");
                }
                if (from < prev_to) {
                    throw PathError(interval_path,
                                    "overlaps the previous interval, which ends "
                                    "at " +
                                        describe(intervals[k - 1][1]));
                }
            }
            presence.offline.emplace_back(from, to);
        }
        spec_.presence.push_back(std::move(presence));
    }
}

void Loader::read_population(const ObjectReader& top) {
    const json* value = top.find("population");
    if (value == nullptr) return;
    const PopulationContext context{
        profiles_, std::filesystem::path(file_name_).parent_path(),
        [this](const json& v, const std::string& path) { return node_ref(v, path); },
        [this](const std::string& id) {
            return node_by_id_.contains(id) || user_by_id_.contains(id);
        }};
    expand_population(*value, spec_, context);
}

// --- protocol and routing ------------------------------------------------------------------

void Loader::read_protocol(const ObjectReader& top) {
    const json* value = top.find("protocol");
    if (value == nullptr) return;
    model::ProtocolSpec& p = spec_.protocol;
    const ObjectReader r(*value, "/protocol",
                         {"mtu", "header", "compression", "encryption", "processing", "transport",
                          "receipts", "history", "push"});
    p.mtu = r.get_or("mtu", parse_size, p.mtu);
    p.history =
        r.get_or("history", choice_of({"device", "cloud", "both"}, "history place"), p.history);
    if (const json* v = r.find("push")) {
        const ObjectReader push(*v, r.path("push"), {"enabled", "delay"});
        p.push = push.get_or("enabled", parse_bool, true);
        p.push_delay = push.get_or("delay", parse_random_duration, p.push_delay);
    }
    p.header = r.get_or("header", parse_size, p.header);
    if (p.mtu > kMaxMtu) r.fail("mtu", "the MTU must be at most 1 MiB");
    if (p.mtu <= p.header) {
        r.fail(r.has("mtu") ? "mtu" : "header",
               "the MTU (" + std::to_string(p.mtu) + " B) must exceed the header (" +
                   std::to_string(p.header) + " B) to carry any payload");
    }
    if (const json* v = r.find("compression")) {
        const ObjectReader c(*v, r.path("compression"),
                             {"text", "image", "video", "voice", "file"});
        for (std::size_t i = 0; i < model::kContentCount; ++i) {
            const char* name = model::content_name(static_cast<model::Content>(i));
            p.compression[i] = c.get_or(name, parse_compression_ratio, p.compression[i]);
        }
    }
    if (const json* v = r.find("encryption")) {
        const ObjectReader e(*v, r.path("encryption"), {"overhead"});
        p.encryption_overhead = e.get_or("overhead", parse_size, p.encryption_overhead);
    }
    if (const json* v = r.find("processing")) {
        const ObjectReader s(*v, r.path("processing"),
                             {"encode", "compress", "encrypt", "decrypt", "display", "notify"});
        model::ProcessingSpec& ps = p.processing;
        for (auto [key, field] : {std::pair{"encode", &ps.encode},
                                  {"compress", &ps.compress},
                                  {"encrypt", &ps.encrypt},
                                  {"decrypt", &ps.decrypt},
                                  {"display", &ps.display},
                                  {"notify", &ps.notify}}) {
            *field = s.get_or(key, parse_random_duration, *field);
        }
    }
    if (const json* v = r.find("transport")) {
        const ObjectReader t(*v, r.path("transport"), {"rto", "backoff", "max_retries", "window"});
        p.transport.rto = t.get_or("rto", parse_positive_duration, p.transport.rto);
        p.transport.backoff = t.get_or("backoff", parse_number, p.transport.backoff);
        if (p.transport.backoff < 1 || p.transport.backoff > kMaxBackoff) {
            t.fail("backoff", "the backoff factor must be in [1, 100]");
        }
        p.transport.max_retries = static_cast<std::uint32_t>(t.get_or(
            "max_retries", integer_in(0, kMaxRetries), std::uint64_t{p.transport.max_retries}));
        p.transport.window = static_cast<std::uint32_t>(
            t.get_or("window", integer_in(1, kMaxWindow), std::uint64_t{p.transport.window}));
    }
    if (const json* v = r.find("receipts")) {
        const ObjectReader t(*v, r.path("receipts"), {"delivered", "read"});
        p.delivered_receipts = t.get_or("delivered", parse_bool, p.delivered_receipts);
        p.read_receipts = t.get_or("read", parse_bool, p.read_receipts);
    }
}

void Loader::read_routing(const ObjectReader& top) {
    const json* value = top.find("routing");
    if (value == nullptr) return;
    model::RoutingSpec& routing = spec_.routing;
    const ObjectReader r(*value, "/routing",
                         {"policy", "server_selection", "update_interval", "detection_delay",
                          "load_balancer", "virtual_nodes"});
    routing.policy = r.get_or(
        "policy", choice_of({"shortest-path", "min-hop", "ecmp", "congestion-aware"}, "policy"),
        routing.policy);
    routing.server_selection = r.get_or(
        "server_selection", choice_of({"nearest", "home", "least-loaded"}, "server selection"),
        routing.server_selection);
    routing.update_interval =
        r.get_or("update_interval", parse_positive_duration, routing.update_interval);
    routing.detection_delay = r.get_or("detection_delay", parse_duration, routing.detection_delay);
    routing.load_balancer = r.get_or(
        "load_balancer",
        choice_of({"none", "round-robin", "least-loaded", "consistent-hash"}, "load balancer"),
        routing.load_balancer);
    routing.virtual_nodes = static_cast<std::uint32_t>(
        r.get_or("virtual_nodes", integer_in(1, 100'000), std::uint64_t{routing.virtual_nodes}));
    if (r.has("virtual_nodes") && routing.load_balancer != "consistent-hash") {
        r.fail("virtual_nodes",
               "\"virtual_nodes\" applies to the \"consistent-hash\" load "
               "balancer only (load_balancer is \"" +
                   routing.load_balancer + "\")");
    }
}

// --- traffic and faults ----------------------------------------------------------------

void Loader::read_traffic(const ObjectReader& top) {
    const json* all = top.find("traffic");
    if (all == nullptr) return;
    const auto& entries = array_at(*all, "/traffic");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string path = child_path("/traffic", i);
        if (entries[i].is_object() && entries[i].contains("layer")) {
            read_datagrams(entries[i], path);
        } else if (entries[i].is_object() && entries[i].contains("pattern")) {
            read_poisson(entries[i], path);
        } else {
            read_message(entries[i], path);
        }
    }
}

void Loader::read_message(const json& value, const std::string& path) {
    // "pattern" is known only so that a misspelling of it gets a suggestion.
    const ObjectReader r(
        value, path,
        {"at", "from", "to", "text", "type", "size", "description", "comment", "pattern"});
    r.notes();
    model::MessageSpec m;
    m.at = r.get("at", parse_instant);
    m.from = user_ref(r.required("from"), r.path("from"));
    m.to = user_ref(r.required("to"), r.path("to"));
    if (m.from == m.to) r.fail("to", "a user does not message itself");
    m.content = r.get_or("type", parse_content, model::Content::Text);
    if (const json* text = r.find("text")) {
        if (m.content != model::Content::Text) {
            r.fail("text", "\"text\" is for messages of type \"text\"; give a \"size\" instead");
        }
        if (r.has("size")) r.fail("size", "give either \"text\" or \"size\", not both");
        m.size_bytes = parse_at(*text, r.path("text"), parse_string).size();  // UTF-8 bytes
    } else if (r.has("size")) {
        m.size_bytes = r.get("size", parse_size);
    } else {
        r.fail("a message needs \"text\" or a \"size\"");
    }
    spec_.messages.push_back(m);
}

void Loader::read_poisson(const json& value, const std::string& path) {
    const ObjectReader r(value, path,
                         {"pattern", "users", "rate", "to", "type", "size", "start", "stop",
                          "description", "comment"});
    r.notes();
    r.get("pattern", choice_of({"poisson"}, "traffic pattern"));
    model::PoissonSpec p;
    const json& users = r.required("users");
    if (users == "all") {
        for (UserIndex u = 0; u < spec_.users.size(); ++u) {
            p.users.push_back(u);
        }
    } else if (users.is_array()) {
        const auto& list = users.get_ref<const json::array_t&>();
        if (list.empty()) r.fail("users", "expected \"all\" or a non-empty array of user ids");
        std::vector<char> seen(spec_.users.size(), 0);
        for (std::size_t k = 0; k < list.size(); ++k) {
            const std::string user_path = child_path(r.path("users"), k);
            const UserIndex u = user_ref(list[k], user_path);
            if (std::exchange(seen[u], 1)) {
                throw PathError(user_path, in_quotes(user_ids_[u]) + " is listed twice");
            }
            p.users.push_back(u);
        }
    } else {
        r.fail("users", "expected \"all\" or an array of user ids, got " + describe(users));
    }
    std::sort(p.users.begin(), p.users.end());  // senders are looked up by binary search
    p.rate_per_s = r.get("rate", parse_rate);
    if (const json* to = r.find("to"); to != nullptr && *to != "random") {
        p.to = user_ref(*to, r.path("to"));
        if (std::binary_search(p.users.begin(), p.users.end(), p.to)) {
            r.fail("to", in_quotes(user_ids_[p.to]) +
                             " is also a sender (see \"users\"); a user does not message itself");
        }
    } else if (spec_.users.size() < 2) {
        r.fail(to != nullptr ? "to" : "users",
               "random recipients need at least 2 users; the scenario has " +
                   std::to_string(spec_.users.size()));
    }
    p.content = r.get_or("type", parse_content, model::Content::Text);
    p.size = r.get("size", parse_random_size);
    p.start = r.get_or("start", parse_instant, p.start);
    p.stop = r.get_or("stop", parse_instant, p.stop);
    if (p.stop <= p.start) r.fail("stop", "\"stop\" must be after \"start\"");
    spec_.poisson.push_back(std::move(p));
}

void Loader::read_datagrams(const json& value, const std::string& path) {
    const ObjectReader r(value, path,
                         {"layer", "pattern", "from", "to", "rate", "size", "start", "stop",
                          "count", "phase", "description", "comment"});
    r.notes();
    r.get("layer", choice_of({"network"}, "traffic layer"));
    model::DatagramSpec d;
    const std::string pattern =
        r.get_or("pattern", choice_of({"cbr", "poisson"}, "datagram pattern"), std::string("cbr"));
    d.pattern = pattern == "cbr" ? model::DatagramSpec::Pattern::Cbr
                                 : model::DatagramSpec::Pattern::Poisson;
    d.from = phone_ref(r.required("from"), r.path("from"));
    d.to = phone_ref(r.required("to"), r.path("to"));
    if (d.from == d.to) r.fail("to", "a device does not send datagrams to itself");
    d.rate_per_s = r.get("rate", parse_rate);
    if (!(d.rate_per_s > 0)) r.fail("rate", "the rate must be positive");
    d.size = r.get("size", parse_random_size);
    d.start = r.get_or("start", parse_instant, d.start);
    d.stop = r.get_or("stop", parse_instant, d.stop);
    if (d.stop <= d.start) r.fail("stop", "\"stop\" must be after \"start\"");
    if (const json* count = r.find("count")) {
        if (!count->is_number_unsigned() || count->get<std::uint64_t>() == 0) {
            r.fail("count", "expected a positive whole number, got " + describe(*count));
        }
        d.count = count->get<std::uint64_t>();
    }
    if (const json* phase = r.find("phase")) {
        if (*phase != "random") r.fail("phase", "expected \"random\", got " + describe(*phase));
        if (d.pattern != model::DatagramSpec::Pattern::Cbr) {
            r.fail("phase", "a random phase applies to \"cbr\" only");
        }
        d.random_phase = true;
    }
    spec_.datagrams.push_back(std::move(d));
}

void Loader::read_faults(const ObjectReader& top) {
    const json* all = top.find("faults");
    if (all == nullptr) return;
    const auto& entries = array_at(*all, "/faults");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string path = child_path("/faults", i);
        const ObjectReader r(entries[i], path,
                             {"at", "link", "node", "down_for", "description", "comment"});
        r.notes();
        model::FaultSpec f;
        f.at = r.get("at", parse_instant);
        f.down_for = r.get("down_for", parse_positive_duration);
        if (r.has("link") && r.has("node")) r.fail("node", "give \"link\" or \"node\", not both");
        if (const json* link = r.find("link")) {
            const auto& ends = array_at(*link, r.path("link"));
            if (ends.size() != 2) {
                r.fail("link", "expected the two node ids of a link, like [\"r1\", \"r2\"]");
            }
            const NodeIndex a = node_ref(ends[0], child_path(r.path("link"), 0));
            const NodeIndex b = node_ref(ends[1], child_path(r.path("link"), 1));
            const auto it = link_by_ends_.find(std::minmax(a, b));
            if (it == link_by_ends_.end()) {
                r.fail("link", "no link between " + in_quotes(node_ids_[a]) + " and " +
                                   in_quotes(node_ids_[b]));
            }
            f.link = it->second;
        } else if (const json* node = r.find("node")) {
            f.node = node_ref(*node, r.path("node"));
        } else {
            r.fail("a fault needs a \"link\" or a \"node\"");
        }
        spec_.faults.push_back(f);
    }
}

// --- output and expectations -----------------------------------------------------------

void Loader::read_output(const ObjectReader& top) {
    const json* value = top.find("output");
    if (value == nullptr) return;
    const ObjectReader r(*value, "/output", {"trace", "timeseries"});
    static const std::vector<std::string> levels{"none", "messages", "packets", "events"};
    if (r.has("trace")) {
        spec_.trace = static_cast<model::TraceLevel>(
            r.get("trace", [](const json& v) { return parse_choice(v, levels, "trace level"); }));
    }
    if (const json* ts = r.find("timeseries")) {
        const ObjectReader t(*ts, "/output/timeseries", {"interval"});
        spec_.timeseries_interval = t.get("interval", parse_positive_duration);
    }
}

void Loader::read_expect(const ObjectReader& top) {
    const json* all = top.find("expect");
    if (all == nullptr) return;
    const auto& entries = array_at(*all, "/expect");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string path = child_path("/expect", i);
        const ObjectReader r(entries[i], path,
                             {"metric", "min", "max", "equals", "description", "comment"});
        r.notes();
        model::Expectation e;
        e.metric = r.get("metric", parse_name);
        e.min = r.get_optional("min", parse_number);
        e.max = r.get_optional("max", parse_number);
        e.equals = r.get_optional("equals", parse_number);
        if (!e.min && !e.max && !e.equals) {
            r.fail("needs at least one of \"min\", \"max\", \"equals\"");
        }
        if (e.min && e.max && *e.min > *e.max) r.fail("max", "\"max\" is less than \"min\"");
        e.where = path;
        spec_.expect.push_back(std::move(e));
    }
}

// --- reading the file --------------------------------------------------------------------

/// Control characters and non-ASCII bytes of a parser message (which quotes what it read,
/// possibly binary) replaced, so the terminal gets plain text.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u >= 0x7f) ? '?' : c;
    }
    return out;
}

/// nlohmann's DOM builder plus a check that no object repeats a key, keeping the path of
/// what is being read. (json::parse with a callback could check the same, but after every
/// object it rescans the enclosing container: quadratic in the length of an array of
/// objects, seconds for a scenario listing 20,000 traffic sources.)
class StrictDomBuilder : public nlohmann::detail::json_sax_dom_parser<json> {
    using Base = nlohmann::detail::json_sax_dom_parser<json>;

public:
    explicit StrictDomBuilder(json& result) : Base(result, true) {}

    bool null() { return value(Base::null()); }
    bool boolean(bool v) { return value(Base::boolean(v)); }
    bool number_integer(json::number_integer_t v) { return value(Base::number_integer(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return value(Base::number_unsigned(v)); }
    bool number_float(json::number_float_t v, const std::string& s) {
        return value(Base::number_float(v, s));
    }
    bool string(json::string_t& v) { return value(Base::string(v)); }
    bool binary(json::binary_t& v) { return value(Base::binary(v)); }
    bool start_object(std::size_t n) {
        stack_.push_back({});
        return Base::start_object(n);
    }
    bool key(json::string_t& k) {
        Frame& f = stack_.back();
        f.key = k;
        if (!f.keys.insert(k).second) {
            throw PathError(pointer(), "duplicate key " + in_quotes(k) +
                                           " in one object (JSON would keep only the last)");
        }
        return Base::key(k);
    }
    bool end_object() { return close(Base::end_object()); }
    bool start_array(std::size_t n) {
        stack_.push_back({});
        stack_.back().array = true;
        return Base::start_array(n);
    }
    bool end_array() { return close(Base::end_array()); }

private:
    struct Frame {
        bool array = false;
        std::size_t index = 0;  ///< arrays: the element being read
        std::string key;        ///< objects: the member being read
        std::set<std::string> keys;
    };
    bool value(bool ok) {
        if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
        return ok;
    }
    bool close(bool ok) {
        stack_.pop_back();
        return value(ok);
    }
    std::string pointer() const {
        std::string p;
        for (const Frame& f : stack_) {
            p = f.array ? child_path(p, f.index) : child_path(p, f.key);
        }
        return p;
    }
    std::vector<Frame> stack_;
};

/// Parses `text`; a syntax error names its line and column, and a key that appears twice in
/// one object is an error (nlohmann::json would silently keep the last).
json parse_document(const std::string& text, const std::string& file_name) {
    try {
        json result;
        StrictDomBuilder builder(result);
        json::sax_parse(text, &builder);
        return result;
    } catch (const PathError& e) {
        throw ScenarioError(file_name, e.path(), e.reason());
    } catch (const json::parse_error& e) {
        // Our own line and column (from the byte offset), and nlohmann's description after
        // its "[json.exception...] parse error at line L, column C: " prefix.
        const std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
        const std::string_view before(text.data(), offset);
        const std::size_t line =
            1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
        const std::size_t line_start = before.rfind('\n');
        const std::size_t column =
            offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
        std::string_view what = e.what();
        if (const auto at = what.find("column "); at != std::string_view::npos) {
            if (const auto colon = what.find(": ", at); colon != std::string_view::npos) {
                what.remove_prefix(colon + 2);
            }
        }
        throw ScenarioError(file_name, "",
                            "invalid JSON at line " + std::to_string(line) + ", column " +
                                std::to_string(column) + ": " + printable(what));
    } catch (const json::exception& e) {
        std::string_view what = e.what();
        if (const auto end = what.find("] "); end != std::string_view::npos) {
            what.remove_prefix(end + 2);
        }
        throw ScenarioError(file_name, "", "invalid JSON: " + printable(what));
    }
}

/// The JSON Pointer of a dotted override path ("links.0.loss" -> "/links/0/loss").
std::string pointer_of_override(const std::string& assignment) {
    const std::string dotted = assignment.substr(0, assignment.find('='));
    std::string pointer;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = dotted.find('.', start);
        pointer = child_path(pointer, std::string_view(dotted).substr(start, dot - start));
        if (dot == std::string::npos) return pointer;
        start = dot + 1;
    }
}

bool same_or_nested(const std::string& a, const std::string& b) {
    const auto within = [](const std::string& inner, const std::string& outer) {
        return inner.size() >= outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
               (inner.size() == outer.size() || inner[outer.size()] == '/');
    };
    return !a.empty() && !b.empty() && (within(a, b) || within(b, a));
}

}  // namespace

model::ModelSpec load_scenario_file(const std::filesystem::path& file,
                                    const std::vector<std::string>& overrides) {
    const std::string name = file.string();
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        throw ScenarioError(name, "", "is a directory, not a scenario file");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw ScenarioError(name, "", std::string("cannot read the file: ") + std::strerror(errno));
    }
    if (const auto size = std::filesystem::file_size(file, ec); !ec && size > kMaxFileBytes) {
        throw ScenarioError(name, "", "the file is larger than 1 GiB");
    }
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw ScenarioError(name, "", "cannot read the file");
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw ScenarioError(name, "", "the file is empty");
    }
    return load_scenario(parse_document(text, name), name, overrides);
}

model::ModelSpec load_scenario(json doc, const std::string& file_name,
                               const std::vector<std::string>& overrides) {
    for (const std::string& assignment : overrides) {
        apply_override(doc, assignment, file_name);
    }
    try {
        return Loader(doc, file_name).load();
    } catch (const PathError& e) {
        // A value that came from the command line is not in the file: say so.
        std::string reason = e.reason();
        for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
            if (same_or_nested(e.path(), pointer_of_override(*it))) {
                reason += " (set by --set " + *it + ")";
                break;
            }
        }
        throw ScenarioError(file_name, e.path(), reason);
    }
}

void apply_override(json& doc, const std::string& assignment, const std::string& file_name) {
    const std::size_t eq = assignment.find('=');
    if (eq == std::string::npos) {
        throw ScenarioError(file_name, "--set " + assignment,
                            "expected PATH=VALUE, like routing.policy=ecmp");
    }
    const std::string dotted = assignment.substr(0, eq);
    const auto fail = [&](const std::string& reason) {
        throw ScenarioError(file_name, "--set " + dotted, reason);
    };
    std::vector<std::string> segments;
    for (std::size_t start = 0;;) {
        const std::size_t dot = dotted.find('.', start);
        segments.push_back(dotted.substr(start, dot - start));
        if (segments.back().empty()) fail("expected a dotted path like links.0.loss");
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    const std::string text = assignment.substr(eq + 1);
    json value;
    try {
        value = json::accept(text) ? json::parse(text) : json(text);
    } catch (const json::exception&) {
        fail("the value " + in_quotes(text) + " is not a representable JSON value");
    }
    if (!doc.is_object()) fail("the scenario is not a JSON object");
    json* current = &doc;
    std::string walked;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string& s = segments[i];
        const bool last = i + 1 == segments.size();
        if (current->is_object()) {
            if (last) {
                (*current)[s] = std::move(value);
                return;
            }
            // A missing key is created; if it is not a known key, validation says so.
            auto it = current->find(s);
            current = it != current->end() ? &*it : &((*current)[s] = json::object());
        } else if (current->is_array()) {
            const bool numeric = s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) {
                                     return c >= '0' && c <= '9';
                                 });
            if (!numeric) {
                fail(in_quotes(walked) + " is an array; " + in_quotes(s) + " is not an index");
            }
            const std::size_t index = std::stoul(s);
            if (index >= current->size()) {
                fail("index " + s + " is out of range: " + in_quotes(walked) + " has " +
                     std::to_string(current->size()) + " entries");
            }
            if (last) {
                (*current)[index] = std::move(value);
                return;
            }
            current = &(*current)[index];
        } else {
            fail(in_quotes(walked) + " is " + kind_of(*current) + ", not an object or an array");
        }
        walked += (walked.empty() ? "" : ".") + s;
    }
}

}  // namespace sim::scenario
