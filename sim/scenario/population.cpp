#include "sim/scenario/population.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "sim/core/rng.hpp"
#include "sim/net/topology.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/units.hpp"

// The built-in cities table, assembled into the binary (see CMakeLists.txt).
extern "C" const char msgsim_world_cities_begin[];
extern "C" const char msgsim_world_cities_end[];

namespace sim::scenario {

using model::UserIndex;
using net::NodeIndex;
using net::NodeKind;
using nlohmann::json;

std::string_view builtin_cities_csv() {
    return {msgsim_world_cities_begin,
            static_cast<std::size_t>(msgsim_world_cities_end - msgsim_world_cities_begin)};
}

namespace {

constexpr std::uint64_t kMaxUsers = 100'000'000;
constexpr std::uint64_t kMaxDevicesPerUser = 16;
/// A churn that would give a device more offline intervals than this in one run is refused:
/// it would cost memory without changing results.
constexpr double kMaxIntervalsPerDevice = 10'000;

// --- CSV -------------------------------------------------------------------------------------

/// Splits one CSV record (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    if (quoted) throw std::invalid_argument("an unterminated quoted field");
    return fields;
}

double csv_number(const std::string& text, const char* column) {
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v)) return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(std::string(column) + " is not a number: " + in_quotes(text));
}

// --- small readers ---------------------------------------------------------------------------

/// Names with shares that sum to 1, e.g. {"wifi": 0.6, "lte": 0.4}; a plain name is {name: 1}.
struct Mix {
    std::vector<std::string> names;
    std::vector<double> cumulative;
    std::size_t draw(Rng& rng) const {
        const double x = rng.uniform01() * cumulative.back();
        const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
        return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()),
                                     names.size() - 1);
    }
};

Mix read_mix(const json& value, const std::string& path, const char* what) {
    Mix mix;
    if (value.is_string()) {
        mix.names.push_back(parse_at(value, path, parse_name));
        mix.cumulative.push_back(1.0);
        return mix;
    }
    if (!value.is_object() || value.empty()) {
        throw PathError(path, std::string("expected a ") + what +
                                  " name or an object of shares such as {\"wifi\": 0.7, "
                                  "\"lte\": 0.3}, got " +
                                  describe(value));
    }
    double total = 0;
    for (const auto& [name, share] : value.items()) {
        const double p = parse_at(share, child_path(path, name), parse_probability);
        total += p;
        mix.names.push_back(name);
        mix.cumulative.push_back(total);
    }
    if (std::abs(total - 1.0) > 1e-6) {
        throw PathError(path, "the shares must sum to 1, they sum to " + std::to_string(total));
    }
    return mix;
}

/// Devices per user: an integer, a distribution object (rounded), or shares of counts.
struct DeviceCount {
    std::optional<Distribution> dist;
    Mix shares;  ///< names are counts
    std::vector<std::uint32_t> counts;

    std::uint32_t draw(Rng& rng) const {
        if (dist) {
            const double x = std::round(dist->sample(rng));
            return static_cast<std::uint32_t>(
                std::clamp(x, 1.0, static_cast<double>(kMaxDevicesPerUser)));
        }
        return counts[shares.draw(rng)];
    }
    double mean() const {
        if (dist) return std::clamp(dist->mean(), 1.0, static_cast<double>(kMaxDevicesPerUser));
        double m = 0, prev = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
            m += counts[i] * (shares.cumulative[i] - prev);
            prev = shares.cumulative[i];
        }
        return m;
    }
};

DeviceCount read_devices(const json& value, const std::string& path) {
    DeviceCount d;
    if (value.is_number()) {
        const auto n = parse_at(value, path, integer_in(1, kMaxDevicesPerUser));
        d.shares = Mix{{std::to_string(n)}, {1.0}};
        d.counts = {static_cast<std::uint32_t>(n)};
        return d;
    }
    if (value.is_object() && value.contains("dist")) {
        d.dist = parse_at(value, path, parse_random_size);  // plain numbers: counts
        return d;
    }
    d.shares = read_mix(value, path, "device count");
    for (const std::string& name : d.shares.names) {
        d.counts.push_back(static_cast<std::uint32_t>(
            parse_at(json(name), child_path(path, name), [&](const json&) {
                std::uint64_t n = 0;
                const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
                if (ec != std::errc{} || end != name.data() + name.size() || n < 1 ||
                    n > kMaxDevicesPerUser) {
                    throw std::invalid_argument("a device count is a whole number from 1 to " +
                                                std::to_string(kMaxDevicesPerUser) + ", got " +
                                                in_quotes(name));
                }
                return n;
            })));
    }
    return d;
}

/// Where users live: each place is a router to attach to, a location for the devices (if
/// known), the extra access latency of the distance to the router, and a weight.
struct Place {
    NodeIndex router = net::kNoNode;
    std::optional<net::Location> location;
    Duration backhaul{0};
    double weight = 0;
};

std::vector<City> load_cities(const ObjectReader& r, const PopulationContext& ctx) {
    if (const json* file = r.find("file")) {
        const std::string name = parse_at(*file, r.path("file"), parse_name);
        const std::filesystem::path path = ctx.scenario_dir / name;
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            r.fail("file", "cannot open the cities table " + in_quotes(path.string()));
        }
        const std::string text{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        try {
            return parse_cities(text);
        } catch (const std::invalid_argument& e) {
            r.fail("file", path.string() + ": " + e.what());
        }
    }
    return parse_cities(builtin_cities_csv());
}

std::set<std::string> read_codes(const ObjectReader& r, std::string_view key) {
    std::set<std::string> codes;
    if (const json* v = r.find(key)) {
        const auto& list = array_at(*v, r.path(key));
        if (list.empty()) r.fail(key, "expected a non-empty array of codes");
        for (std::size_t i = 0; i < list.size(); ++i)
            codes.insert(parse_at(list[i], child_path(r.path(key), i), parse_name));
    }
    return codes;
}

std::vector<Place> read_placement(const json* value, const std::string& path,
                                  const model::ModelSpec& spec, const PopulationContext& ctx) {
    std::vector<NodeIndex> routers;
    for (NodeIndex n = 0; n < spec.nodes.size(); ++n)
        if (spec.nodes[n].kind == NodeKind::Router) routers.push_back(n);
    std::vector<Place> places;
    if (value == nullptr) {
        // Default: evenly over all routers.
        if (routers.empty()) throw PathError(path, "no router to attach users to");
        for (NodeIndex n : routers)
            places.push_back(Place{n, spec.nodes[n].location, Duration{0}, 1.0});
        return places;
    }
    const ObjectReader r(
        *value, path,
        {"over", "nodes", "weights", "file", "continents", "countries", "min_population",
         "include_districts", "attach_to", "description", "comment"});
    r.notes();
    const std::size_t over = r.get("over", [](const json& v) {
        return parse_choice(v, {"nodes", "cities"}, "placement");
    });
    const auto node_list = [&](std::string_view key) {
        std::vector<NodeIndex> list;
        const auto& items = array_at(r.required(key), r.path(key));
        if (items.empty()) r.fail(key, "expected a non-empty array of router ids");
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string p = child_path(r.path(key), i);
            const NodeIndex n = ctx.node_ref(items[i], p);
            if (spec.nodes[n].kind != NodeKind::Router) {
                throw PathError(
                    p, in_quotes(spec.nodes[n].id) + " is not a router; users attach to routers");
            }
            list.push_back(n);
        }
        return list;
    };
    if (over == 0) {
        for (const char* key : {"file", "continents", "countries", "min_population",
                                "include_districts", "attach_to"}) {
            if (r.has(key)) r.fail(key, in_quotes(key) + " is for \"over\": \"cities\"");
        }
        const std::vector<NodeIndex> nodes = r.has("nodes") ? node_list("nodes") : routers;
        if (nodes.empty()) r.fail("no router to attach users to");
        std::vector<double> weights(nodes.size(), 1.0);
        if (const json* w = r.find("weights")) {
            const auto& list = array_at(*w, r.path("weights"));
            if (list.size() != nodes.size()) {
                r.fail("weights", "expected one weight per node (" + std::to_string(nodes.size()) +
                                      "), got " + std::to_string(list.size()));
            }
            double total = 0;
            for (std::size_t i = 0; i < list.size(); ++i) {
                weights[i] = parse_at(list[i], child_path(r.path("weights"), i), parse_number);
                if (weights[i] < 0) {
                    throw PathError(child_path(r.path("weights"), i),
                                    "a weight must not be negative");
                }
                total += weights[i];
            }
            if (total <= 0) r.fail("weights", "at least one weight must be positive");
        }
        for (std::size_t i = 0; i < nodes.size(); ++i)
            places.push_back(
                Place{nodes[i], spec.nodes[nodes[i]].location, Duration{0}, weights[i]});
        return places;
    }

    for (const char* key : {"nodes", "weights"}) {
        if (r.has(key)) r.fail(key, in_quotes(key) + " is for \"over\": \"nodes\"");
    }
    std::vector<NodeIndex> candidates;
    for (NodeIndex n : r.has("attach_to") ? node_list("attach_to") : routers) {
        if (spec.nodes[n].location) candidates.push_back(n);
    }
    if (candidates.empty()) {
        r.fail("over",
               "placing users at cities needs routers with a location (to attach each city to "
               "its nearest router); none has one");
    }
    const std::set<std::string> continents = read_codes(r, "continents");
    const std::set<std::string> countries = read_codes(r, "countries");
    const double min_population = r.get_or("min_population", parse_number, 0.0);
    const bool districts = r.get_or("include_districts", parse_bool, false);
    for (const City& c : load_cities(r, ctx)) {
        if (!continents.empty() && !continents.contains(c.continent)) continue;
        if (!countries.empty() && !countries.contains(c.country)) continue;
        if (c.population < min_population || c.population <= 0) continue;
        if (!districts && c.feature == "PPLX") continue;  // overlaps its parent city
        NodeIndex best = candidates.front();
        double best_m = net::great_circle_m(c.location, *spec.nodes[best].location);
        for (NodeIndex n : candidates) {
            const double m = net::great_circle_m(c.location, *spec.nodes[n].location);
            if (m < best_m) {
                best_m = m;
                best = n;
            }
        }
        places.push_back(Place{best, c.location, net::fibre_delay(best_m), c.population});
    }
    if (places.empty()) {
        r.fail(
            "no city of the table matches the filters (continents, countries, "
            "min_population)");
    }
    return places;
}

/// The physical memory of this machine, in bytes (0 if unknown).
std::uint64_t physical_memory() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * size : 0;
}

std::string gib(double bytes) {
    std::ostringstream s;
    s.precision(3);
    s << bytes / (1024.0 * 1024 * 1024) << " GiB";
    return s.str();
}

/// Reads one block and appends what it describes to `spec`.
class Expansion {
public:
    Expansion(const json& value, std::string path, model::ModelSpec& spec,
              const PopulationContext& ctx, std::uint64_t index)
        : r_(value, std::move(path),
             {"users", "prefix", "devices", "placement", "access", "presence", "read_delay",
              "traffic", "description", "comment"}),
          spec_(spec),
          ctx_(ctx),
          rng_(spec.seed, index, StreamTag::Population) {
        r_.notes();
        users_ = r_.get("users", integer_in(1, kMaxUsers));
        prefix_ = r_.get_or("prefix", parse_name, std::string("u"));
        devices_ = r_.has("devices") ? read_devices(r_.required("devices"), r_.path("devices"))
                                     : read_devices(json(1), r_.path("devices"));
        access_ = r_.has("access") ? read_mix(r_.required("access"), r_.path("access"), "profile")
                                   : read_mix(json("wifi"), r_.path("access"), "profile");
        const json* access = r_.find("access");
        for (std::size_t i = 0; i < access_.names.size(); ++i) {
            const std::string p = access == nullptr || access->is_string()
                                      ? r_.path("access")
                                      : child_path(r_.path("access"), access_.names[i]);
            const auto it = ctx.profiles.find(access_.names[i]);
            if (it == ctx.profiles.end()) {
                std::vector<std::string> known;
                for (const auto& [name, _] : ctx.profiles)
                    known.push_back(name);
                throw PathError(p, "unknown profile " + in_quotes(access_.names[i]) +
                                       suggestion(access_.names[i], known, "profiles"));
            }
            if (!it->second.latency) {
                throw PathError(p, "profile " + in_quotes(access_.names[i]) +
                                       " has no latency; an access profile needs one");
            }
        }
        read_delay_ = r_.get_or("read_delay", parse_random_duration, read_delay_);
    }

    const ObjectReader& reader() const { return r_; }
    const std::string& prefix() const { return prefix_; }
    double bytes_estimate() const {
        return static_cast<double>(users_) *
               (kBytesPerUser + devices_.mean() * static_cast<double>(kBytesPerDevice));
    }

    void expand() {
        places_ = read_placement(r_.find("placement"), r_.path("placement"), spec_, ctx_);
        check_reachable();
        read_churn();
        std::vector<double> cumulative;
        double total = 0;
        for (const Place& p : places_)
            cumulative.push_back(total += p.weight);

        // Draw every user's place and device count first, so the vectors are sized once.
        std::vector<std::uint32_t> place_of(users_);
        std::vector<std::uint8_t> count_of(users_);
        std::uint64_t devices = 0;
        for (std::uint64_t u = 0; u < users_; ++u) {
            const double x = rng_.uniform01() * total;
            place_of[u] = static_cast<std::uint32_t>(std::min<std::size_t>(
                std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin(),
                places_.size() - 1));
            count_of[u] = static_cast<std::uint8_t>(devices_.draw(rng_));
            devices += count_of[u];
        }
        if (spec_.nodes.size() + devices >= net::kNoNode ||
            spec_.users.size() + users_ >= model::kNoUser) {
            r_.fail("users", "too many users and devices for one run (more than 2^32 nodes)");
        }

        model::PopulationRange range;
        range.name = prefix_;
        range.first_user = static_cast<UserIndex>(spec_.users.size());
        range.users = static_cast<UserIndex>(users_);
        range.first_device = static_cast<NodeIndex>(spec_.nodes.size());
        range.devices = static_cast<NodeIndex>(devices);
        range.first_link = static_cast<std::uint32_t>(spec_.links.size());
        spec_.users.reserve(spec_.users.size() + users_);
        spec_.nodes.reserve(spec_.nodes.size() + devices);
        spec_.links.reserve(spec_.links.size() + devices);

        for (std::uint64_t u = 0; u < users_; ++u) {
            model::UserSpec user;
            user.id = prefix_ + std::to_string(u);
            if (ctx_.id_taken(user.id)) {
                r_.fail("prefix", "generated user id " + in_quotes(user.id) +
                                      " is already the id of a node or user; choose another "
                                      "\"prefix\"");
            }
            user.read_delay = read_delay_;
            const auto index = static_cast<UserIndex>(spec_.users.size());
            const Place& place = places_[place_of[u]];
            for (std::uint32_t k = 0; k < count_of[u]; ++k) {
                const auto device = static_cast<NodeIndex>(spec_.nodes.size());
                model::NodeSpec node;
                node.id = user.id + "." + std::to_string(k);
                if (ctx_.id_taken(node.id)) {
                    r_.fail("prefix", "generated device id " + in_quotes(node.id) +
                                          " is already the id of a node or user; choose "
                                          "another \"prefix\"");
                }
                node.kind = NodeKind::Phone;
                node.type = k == 0 ? "phone" : "laptop";
                node.user = index;
                node.access = access_.names[access_.draw(rng_)];
                node.location = place.location;
                spec_.links.push_back(access_link(device, place, node.access));
                add_presence(device);
                spec_.nodes.push_back(std::move(node));
                user.devices.push_back(device);
            }
            spec_.users.push_back(std::move(user));
        }
        read_traffic(range);
        spec_.populations.push_back(std::move(range));
    }

private:
    net::LinkSpec access_link(NodeIndex device, const Place& place, const std::string& access) {
        const AccessProfile& profile = ctx_.profiles.at(access);
        net::LinkSpec link;
        link.a = device;
        link.b = place.router;
        // The profile's last-mile latency, plus fibre from the city to its router.
        link.latency = *profile.latency + place.backhaul;
        link.bandwidth_bps = profile.bandwidth_bps.value_or(1'000'000'000);
        link.loss = profile.loss.value_or(net::LossSpec{});
        link.queue = profile.queue.value_or(net::QueueSpec{});
        link.profile = access;
        return link;
    }

    void check_reachable() const {
        std::vector<NodeKind> kinds;
        kinds.reserve(spec_.nodes.size());
        for (const model::NodeSpec& n : spec_.nodes)
            kinds.push_back(n.kind);
        const std::vector<std::uint32_t> component = net::connected_components(kinds, spec_.links);
        std::set<std::uint32_t> with_server;
        for (NodeIndex n = 0; n < kinds.size(); ++n)
            if (kinds[n] == NodeKind::Server) with_server.insert(component[n]);
        for (const Place& p : places_) {
            if (!with_server.contains(component[p.router])) {
                throw PathError(r_.path("placement"), "users would attach to " +
                                                          in_quotes(spec_.nodes[p.router].id) +
                                                          ", which has no path to a server");
            }
        }
    }

    void read_churn() {
        const json* v = r_.find("presence");
        if (v == nullptr) return;
        const ObjectReader p(*v, r_.path("presence"),
                             {"online", "offline", "initially_online", "description", "comment"});
        p.notes();
        online_ = p.get("online", parse_random_duration);
        offline_ = p.get("offline", parse_random_duration);
        const double on = online_->mean(), off = offline_->mean();
        if (!(on > 0) || !std::isfinite(on)) {
            p.fail("online", "the mean online time must be positive and finite");
        }
        if (!(off > 0) || !std::isfinite(off)) {
            p.fail("offline", "the mean offline time must be positive and finite");
        }
        const double cycles = static_cast<double>(spec_.duration.count()) / (on + off);
        if (cycles > kMaxIntervalsPerDevice) {
            p.fail("a device would go offline about " + std::to_string(std::llround(cycles)) +
                   " times in the run (more than " +
                   std::to_string(static_cast<long long>(kMaxIntervalsPerDevice)) +
                   "); use longer online and offline times");
        }
        // By default a device is online at time 0 with its long-run probability.
        initially_online_ = p.get_or("initially_online", parse_probability, on / (on + off));
    }

    /// Alternating online and offline periods from time 0 to the end of the run.
    void add_presence(NodeIndex device) {
        if (!online_) return;
        model::PresenceSpec presence;
        presence.device = device;
        const Time end = kTimeZero + spec_.duration;
        bool online = rng_.uniform01() < initially_online_;
        Time t = kTimeZero;
        while (t < end) {
            const Duration d =
                std::max(Duration{1}, (online ? *online_ : *offline_).sample_duration(rng_));
            // The last span runs past the end: clipping it there would bring every device
            // that is offline at the end back online at the very last instant.
            const Time next = t + d;
            if (!online) presence.offline.emplace_back(t, next);
            t = next;
            online = !online;
        }
        if (!presence.offline.empty()) spec_.presence.push_back(std::move(presence));
    }

    void read_traffic(const model::PopulationRange& range) {
        const json* v = r_.find("traffic");
        if (v == nullptr) return;
        const ObjectReader t(*v, r_.path("traffic"),
                             {"rate", "size", "type", "to", "zipf", "contacts", "start", "stop",
                              "description", "comment"});
        t.notes();
        model::PoissonSpec p;
        p.users.resize(range.users);
        for (UserIndex k = 0; k < range.users; ++k)
            p.users[k] = range.first_user + k;
        p.rate_per_s = t.get("rate", parse_rate);
        p.size = t.get_or("size", parse_random_size, Distribution::constant(100));
        p.content = t.get_or("type", parse_content, model::Content::Text);
        p.pool_begin = range.first_user;
        p.pool_end = range.first_user + range.users;
        const std::size_t to = t.get_or(
            "to",
            [](const json& x) {
                return parse_choice(x, {"uniform", "zipf", "contacts"}, "recipient choice");
            },
            std::size_t{0});
        p.choice = static_cast<model::RecipientChoice>(to);
        if (t.has("zipf") && p.choice != model::RecipientChoice::Zipf) {
            t.fail("zipf", "\"zipf\" (the exponent) is for \"to\": \"zipf\"");
        }
        if (t.has("contacts") && p.choice != model::RecipientChoice::Contacts) {
            t.fail("contacts", "\"contacts\" is for \"to\": \"contacts\"");
        }
        p.zipf_s = t.get_or("zipf", parse_number, 1.0);
        if (p.zipf_s < 0 || p.zipf_s > 10) t.fail("zipf", "the Zipf exponent must be in [0, 10]");
        p.contacts = static_cast<std::uint32_t>(
            t.get_or("contacts", integer_in(1, 10'000), std::uint64_t{10}));
        if (range.users < 2 && p.rate_per_s > 0) {
            t.fail("rate", "users of a population message each other, and it has only one");
        }
        p.start = t.get_or("start", parse_instant, p.start);
        p.stop = t.get_or("stop", parse_instant, p.stop);
        if (p.stop <= p.start) t.fail("stop", "\"stop\" must be after \"start\"");
        spec_.poisson.push_back(std::move(p));
    }

    ObjectReader r_;
    model::ModelSpec& spec_;
    const PopulationContext& ctx_;
    Rng rng_;
    std::uint64_t users_ = 0;
    std::string prefix_;
    DeviceCount devices_;
    Mix access_;
    Distribution read_delay_ = Distribution::constant(0);
    std::vector<Place> places_;
    std::optional<Distribution> online_, offline_;
    double initially_online_ = 1;
};

}  // namespace

std::vector<City> parse_cities(std::string_view csv) {
    std::vector<City> cities;
    std::size_t line_no = 0;
    std::vector<std::string> header;
    std::ptrdiff_t lat = -1, lon = -1, pop = -1, name = -1, country = -1, continent = -1,
                   feature = -1;
    while (!csv.empty()) {
        const std::size_t nl = csv.find('\n');
        const std::string_view line = csv.substr(0, nl);
        csv = nl == std::string_view::npos ? std::string_view{} : csv.substr(nl + 1);
        ++line_no;
        if (line.empty() || line == "\r") continue;
        std::vector<std::string> f;
        try {
            f = split_csv(line);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("line " + std::to_string(line_no) + ": " + e.what());
        }
        if (header.empty()) {
            header = f;
            const auto column = [&](std::initializer_list<const char*> names) -> std::ptrdiff_t {
                for (const char* n : names) {
                    const auto it = std::find(header.begin(), header.end(), n);
                    if (it != header.end()) return it - header.begin();
                }
                return -1;
            };
            lat = column({"latitude", "lat"});
            lon = column({"longitude", "lon"});
            pop = column({"population"});
            name = column({"asciiname", "name"});
            country = column({"country_code", "country"});
            continent = column({"continent"});
            feature = column({"feature_code"});
            if (lat < 0 || lon < 0 || pop < 0) {
                throw std::invalid_argument(
                    "line 1: the header needs the columns latitude, longitude and population");
            }
            continue;
        }
        if (f.size() != header.size()) {
            throw std::invalid_argument("line " + std::to_string(line_no) + ": " +
                                        std::to_string(f.size()) + " fields, the header has " +
                                        std::to_string(header.size()));
        }
        City c;
        try {
            c.location.lat = csv_number(f[lat], "latitude");
            c.location.lon = csv_number(f[lon], "longitude");
            c.population = csv_number(f[pop], "population");
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("line " + std::to_string(line_no) + ": " + e.what());
        }
        if (std::abs(c.location.lat) > 90 || std::abs(c.location.lon) > 180 || c.population < 0) {
            throw std::invalid_argument("line " + std::to_string(line_no) +
                                        ": latitude, longitude or population out of range");
        }
        if (name >= 0) c.name = f[name];
        if (country >= 0) c.country = f[country];
        if (continent >= 0) c.continent = f[continent];
        if (feature >= 0) c.feature = f[feature];
        cities.push_back(std::move(c));
    }
    if (header.empty()) throw std::invalid_argument("the table is empty");
    return cities;
}

void expand_population(const json& value, model::ModelSpec& spec,
                       const PopulationContext& context) {
    std::vector<std::unique_ptr<Expansion>> blocks;
    if (value.is_array()) {
        const auto& list = array_at(value, "/population");
        for (std::size_t i = 0; i < list.size(); ++i)
            blocks.push_back(std::make_unique<Expansion>(list[i], child_path("/population", i),
                                                         spec, context, i));
    } else {
        blocks.push_back(std::make_unique<Expansion>(value, "/population", spec, context, 0));
    }
    // One block's ids must not be able to collide with another's ("u" and "u1": u1 + "0"
    // is u + "10").
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        for (std::size_t j = 0; j < blocks.size(); ++j) {
            if (i != j && blocks[j]->prefix().starts_with(blocks[i]->prefix())) {
                blocks[j]->reader().fail(
                    "prefix", "prefix " + in_quotes(blocks[j]->prefix()) + " starts with " +
                                  in_quotes(blocks[i]->prefix()) + " (" +
                                  blocks[i]->reader().path("prefix") +
                                  "), so their ids could collide; give each block its own "
                                  "\"prefix\"");
            }
        }
    }
    // Refuse, before allocating anything, a population this machine cannot hold.
    double bytes = 0;
    for (const auto& b : blocks)
        bytes += b->bytes_estimate();
    const std::uint64_t memory = physical_memory();
    if (memory > 0 && bytes > 0.8 * static_cast<double>(memory)) {
        const ObjectReader& r = blocks.front()->reader();
        r.fail("users", "too large for this machine's memory: the population needs about " +
                            gib(bytes) + " (about " + std::to_string(kBytesPerUser) +
                            " bytes per user and " + std::to_string(kBytesPerDevice) +
                            " per device, messages aside), and this "
                            "machine has " +
                            gib(static_cast<double>(memory)));
    }
    for (auto& b : blocks)
        b->expand();
}

}  // namespace sim::scenario
