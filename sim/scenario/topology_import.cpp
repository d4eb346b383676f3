#include "sim/scenario/topology_import.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "sim/net/generators.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/units.hpp"

namespace sim::scenario {

using nlohmann::json;

namespace {

constexpr std::uintmax_t kMaxGraphmlBytes = std::uintmax_t{1} << 28;  // 256 MiB
constexpr double kMaxInflation = 100;

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// "1ms", "250us", "0.5ms": a duration as a user would have written it.
std::string show_duration(Duration d) {
    char buf[48];
    const auto ns = static_cast<double>(d.count());
    if (d.count() % 1'000'000 == 0 || ns >= 1e6) {
        std::snprintf(buf, sizeof buf, "%gms", ns / 1e6);
    } else {
        std::snprintf(buf, sizeof buf, "%gus", ns / 1e3);
    }
    return buf;
}

std::string show_bandwidth(std::uint64_t bps) {
    char buf[48];
    const auto x = static_cast<double>(bps);
    if (bps >= 1'000'000'000) {
        std::snprintf(buf, sizeof buf, "%gGbps", x / 1e9);
    } else if (bps >= 1'000'000) {
        std::snprintf(buf, sizeof buf, "%gMbps", x / 1e6);
    } else {
        std::snprintf(buf, sizeof buf, "%gkbps", x / 1e3);
    }
    return buf;
}

/// A label as a node id: trimmed, whitespace runs as one '-' ("New York" -> "New-York"),
/// so ids can be typed in a scenario and read in a table without quoting.
std::string id_of_label(const std::string& label) {
    std::string id;
    bool gap = false;
    for (const char c : label) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            gap = !id.empty();
            continue;
        }
        if (gap) id += '-';
        gap = false;
        id += c;
    }
    return id;
}

std::optional<net::Location> location_of(const net::GraphmlAttributes& a) {
    const auto lat = net::graphml_number(a, "Latitude");
    const auto lon = net::graphml_number(a, "Longitude");
    if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) return std::nullopt;
    return net::Location{*lat, *lon};
}

/// Number of connected components of `n` nodes joined by `links`, and the largest's size.
std::pair<std::size_t, std::size_t> components(std::size_t n,
                                               const std::vector<net::LinkSpec>& links) {
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    const auto find = [&parent](std::size_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    };
    for (const net::LinkSpec& l : links) {
        parent[find(l.a)] = find(l.b);
    }
    std::map<std::size_t, std::size_t> size;
    for (std::size_t v = 0; v < n; ++v) {
        ++size[find(v)];
    }
    std::size_t largest = 0;
    for (const auto& [root, s] : size) {
        largest = std::max(largest, s);
    }
    return {size.size(), largest};
}

}  // namespace

// --- GraphML -> routers and links ------------------------------------------------------

TopologyPart import_graphml(const net::GraphmlGraph& graph, const GraphmlImportOptions& options,
                            const std::string& source) {
    if (graph.nodes.empty()) throw std::invalid_argument(source + " has no nodes");
    TopologyPart part;
    const std::size_t n = graph.nodes.size();

    // Ids: labels made id-safe and unique in file order.
    std::unordered_set<std::string> taken;
    std::size_t renamed = 0;
    std::size_t unlabelled = 0;
    std::size_t unlocated = 0;
    std::string renamed_example;
    std::string unlocated_example;
    for (std::size_t k = 0; k < n; ++k) {
        const net::GraphmlAttributes& a = graph.nodes[k];
        const auto label_it = a.find("label");
        std::string base = label_it == a.end() ? std::string() : id_of_label(label_it->second);
        if (base.empty()) {
            // Appended, not "n" + ...: GCC 12 warns falsely (-Wrestrict) on literal + string&&.
            base = "n";
            base += std::to_string(k);
            ++unlabelled;
        }
        std::string id = base;
        for (int suffix = 2; taken.contains(id); ++suffix) {
            id = base + "-" + std::to_string(suffix);
        }
        if (id != base) {
            ++renamed;
            if (renamed_example.empty()) renamed_example = in_quotes(base) + " -> " + in_quotes(id);
        }
        taken.insert(id);

        model::NodeSpec node;
        node.id = options.prefix + id;
        node.kind = net::NodeKind::Router;
        node.location = location_of(a);
        if (!node.location) {
            ++unlocated;
            if (unlocated_example.empty()) unlocated_example = in_quotes(node.id);
        }
        std::string origin = "node " + std::to_string(k);
        if (label_it != a.end()) origin += " (label " + in_quotes(label_it->second) + ")";
        part.origins.push_back(origin + " of " + source);
        part.nodes.push_back(std::move(node));
    }

    // Links: one per node pair, in order of the pair's first edge.
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> link_of_pair;
    std::vector<char> has_speed;
    std::size_t loops = 0;
    std::size_t parallel = 0;
    for (const net::GraphmlEdge& e : graph.edges) {
        if (e.source == e.target) {
            ++loops;
            continue;
        }
        std::optional<std::uint64_t> speed;
        if (const auto raw = net::graphml_number(e.attributes, "LinkSpeedRaw");
            raw && *raw >= 1 && *raw <= static_cast<double>(kMaxBandwidthBps)) {
            speed = static_cast<std::uint64_t>(std::llround(*raw));
        }
        const auto ends = std::minmax(e.source, e.target);
        if (const auto it = link_of_pair.find(ends); it != link_of_pair.end()) {
            ++parallel;
            net::LinkSpec& link = part.links[it->second];
            if (speed && (!has_speed[it->second] || *speed > link.bandwidth_bps)) {
                link.bandwidth_bps = *speed;
                has_speed[it->second] = 1;
            }
            continue;
        }
        net::LinkSpec link;
        link.a = static_cast<net::NodeIndex>(e.source);
        link.b = static_cast<net::NodeIndex>(e.target);
        link.bandwidth_bps = speed.value_or(options.bandwidth_bps);
        link_of_pair.emplace(ends, part.links.size());
        has_speed.push_back(speed ? 1 : 0);
        part.links.push_back(link);
    }
    std::size_t fallback = 0;
    for (net::LinkSpec& link : part.links) {
        const auto& a = part.nodes[link.a].location;
        const auto& b = part.nodes[link.b].location;
        if (a && b) {
            link.latency = net::fibre_delay(net::great_circle_m(*a, *b) * options.inflation);
        } else {
            link.latency = options.fallback_latency;
            ++fallback;
        }
    }

    // Every repair said once, with a count and an example, so a user can judge whether the
    // defaults matter for the experiment.
    auto& w = part.warnings;
    if (renamed > 0) {
        w.push_back(plural(renamed, "duplicate label", "duplicate labels") +
                    " made unique with a suffix (e.g. " + renamed_example + ")");
    }
    if (unlabelled > 0) {
        w.push_back(plural(unlabelled, "node without a label is", "nodes without a label are") +
                    " named n<position in the file>");
    }
    if (unlocated > 0) {
        w.push_back(plural(unlocated, "node has", "nodes have") + " no coordinates (e.g. " +
                    unlocated_example + "); \"auto\" latency to them is impossible");
    }
    if (fallback > 0) {
        w.push_back(plural(fallback, "link", "links") + " without coordinates got latency " +
                    show_duration(options.fallback_latency));
    }
    if (parallel > 0) {
        w.push_back(plural(parallel, "parallel edge", "parallel edges") +
                    " merged into the link between the same nodes");
    }
    if (loops > 0) w.push_back(plural(loops, "self-loop", "self-loops") + " dropped");
    const std::size_t without_speed =
        static_cast<std::size_t>(std::count(has_speed.begin(), has_speed.end(), 0));
    if (without_speed > 0) {
        w.push_back(plural(without_speed, "link", "links") +
                    " without LinkSpeedRaw got bandwidth " + show_bandwidth(options.bandwidth_bps));
    }
    if (const auto [count, largest] = components(n, part.links); count > 1) {
        w.push_back("the graph has " + std::to_string(count) +
                    " connected components (the largest has " + std::to_string(largest) + " of " +
                    std::to_string(n) + " nodes)");
    }
    return part;
}

TopologyPart read_import(const json& value, const std::string& path,
                         const std::filesystem::path& base_dir) {
    const ObjectReader r(value, path,
                         {"format", "file", "inflation", "bandwidth", "fallback_latency", "prefix",
                          "description", "comment"});
    r.notes();
    if (const json* format = r.find("format"); format != nullptr) {
        const std::string f = parse_at(*format, r.path("format"), parse_string);
        if (f != "graphml") {
            r.fail("format", "unknown import format " + in_quotes(f) + " (known: \"graphml\")");
        }
    }
    GraphmlImportOptions options;
    options.inflation = r.get_or("inflation", parse_number, options.inflation);
    if (!(options.inflation > 0 && options.inflation <= kMaxInflation)) {
        r.fail("inflation", "must be in (0, 100] (fibre path length / great-circle distance)");
    }
    options.bandwidth_bps = r.get_or("bandwidth", parse_bandwidth, options.bandwidth_bps);
    options.fallback_latency =
        r.get_or("fallback_latency", parse_duration, options.fallback_latency);
    options.prefix = r.get_or("prefix", parse_string, options.prefix);

    const std::string file_path = r.path("file");
    const std::string file = r.get("file", parse_name);
    const std::filesystem::path resolved = base_dir / file;  // an absolute `file` wins
    std::error_code ec;
    if (std::filesystem::is_directory(resolved, ec)) {
        throw PathError(file_path, in_quotes(resolved.string()) + " is a directory");
    }
    std::ifstream in(resolved, std::ios::binary);
    if (!in) {
        throw PathError(file_path, "cannot read " + in_quotes(resolved.string()) + ": " +
                                       std::strerror(errno) +
                                       " (paths are relative to the scenario file)");
    }
    if (const auto size = std::filesystem::file_size(resolved, ec);
        !ec && size > kMaxGraphmlBytes) {
        throw PathError(file_path, in_quotes(resolved.string()) + " is larger than 256 MiB");
    }
    net::GraphmlGraph graph;
    try {
        graph = net::read_graphml(in);
    } catch (const net::GraphmlError& e) {
        throw PathError(file_path,
                        in_quotes(file) + " is not GraphML msgsim can read: " + e.what());
    }
    try {
        TopologyPart part = import_graphml(graph, options, file);
        for (std::string& origin : part.origins) {
            origin = path + " (" + origin + ")";
        }
        for (std::string& warning : part.warnings) {
            warning = file + ": " + warning;
        }
        return part;
    } catch (const std::invalid_argument& e) {
        throw PathError(file_path, e.what());
    }
}

// --- generated topologies ----------------------------------------------------------------

namespace {

std::size_t parse_count(const json& value, std::uint64_t lo, std::uint64_t hi) {
    return static_cast<std::size_t>(parse_integer(value, lo, hi));
}

net::GeneratedLink read_generated_link(const ObjectReader& r, const std::string& latency_key,
                                       const std::string& bandwidth_key, net::GeneratedLink link) {
    link.latency = r.get_or(latency_key, parse_duration, link.latency);
    link.bandwidth_bps = r.get_or(bandwidth_key, parse_bandwidth, link.bandwidth_bps);
    return link;
}

}  // namespace

TopologyPart read_generate(const json& value, const std::string& path,
                           std::uint64_t scenario_seed) {
    static const std::vector<std::string> models{"waxman", "barabasi-albert", "grid", "tree",
                                                 "isp"};
    if (!value.is_object()) throw PathError(path, "expected an object, got " + describe(value));
    const auto model_it = value.find("model");
    if (model_it == value.end()) {
        throw PathError(path,
                        "missing required key \"model\" (waxman, barabasi-albert, grid, "
                        "tree or isp)");
    }
    const std::string model = parse_at(*model_it, child_path(path, "model"), [](const json& v) {
        const std::string m = parse_string(v);
        if (std::find(models.begin(), models.end(), m) == models.end()) {
            throw UnitError("unknown topology model " + in_quotes(m) +
                            suggestion(m, models, "known"));
        }
        return m;
    });
    // Each model has its own keys, so a parameter of another model is an unknown key.
    std::vector<std::string> keys{"model", "seed", "prefix", "description", "comment"};
    const std::map<std::string, std::vector<std::string>> model_keys{
        {"waxman", {"n", "alpha", "beta", "side_km", "inflation", "latency", "bandwidth"}},
        {"barabasi-albert", {"n", "m", "latency", "bandwidth"}},
        {"grid", {"rows", "cols", "latency", "bandwidth"}},
        {"tree", {"depth", "fanout", "latency", "bandwidth"}},
        {"isp",
         {"backbone", "access", "chords", "dual_homed", "backbone_latency", "backbone_bandwidth",
          "access_latency", "access_bandwidth"}}};
    const auto& own = model_keys.at(model);
    keys.insert(keys.end(), own.begin(), own.end());
    const ObjectReader r(value, path, keys);
    r.notes();

    const std::uint64_t seed = r.get_or("seed", integer_in(0, UINT64_MAX), scenario_seed);
    // The model name in the stream id: two models from one seed are unrelated draws.
    Rng rng(seed, stable_hash("generate/" + model), StreamTag::Topology);
    constexpr std::uint64_t kMax = net::kMaxGeneratedNodes;
    const auto count = [&r](std::string_view key, std::uint64_t lo, std::uint64_t hi) {
        return r.get(key, [lo, hi](const json& v) { return parse_count(v, lo, hi); });
    };
    const auto count_or = [&r](std::string_view key, std::uint64_t lo, std::uint64_t hi,
                               std::size_t fallback) {
        return r.get_or(
            key, [lo, hi](const json& v) { return parse_count(v, lo, hi); }, fallback);
    };

    net::GeneratedTopology t;
    try {
        if (model == "waxman") {
            net::WaxmanParams p;
            p.n = count("n", 1, net::kMaxWaxmanNodes);
            p.alpha = r.get_or("alpha", parse_number, p.alpha);
            if (!(p.alpha > 0)) r.fail("alpha", "must be positive");
            p.beta = r.get_or("beta", parse_number, p.beta);
            if (!(p.beta > 0 && p.beta <= 1)) r.fail("beta", "must be in (0, 1]");
            p.side_km = r.get_or("side_km", parse_number, p.side_km);
            if (!(p.side_km > 0 && p.side_km <= 40'000)) r.fail("side_km", "must be in (0, 40000]");
            p.inflation = r.get_or("inflation", parse_number, p.inflation);
            if (!(p.inflation > 0 && p.inflation <= kMaxInflation)) {
                r.fail("inflation", "must be in (0, 100]");
            }
            if (const json* latency = r.find("latency"); latency && *latency != "auto") {
                p.fixed_latency = parse_at(*latency, r.path("latency"), parse_duration);
            }
            p.bandwidth_bps = r.get_or("bandwidth", parse_bandwidth, p.bandwidth_bps);
            p.prefix = r.get_or("prefix", parse_string, p.prefix);
            t = net::waxman(p, rng);
        } else if (model == "barabasi-albert") {
            net::BarabasiAlbertParams p;
            p.n = count("n", 2, kMax);
            p.m = count_or("m", 1, kMax, p.m);
            if (p.m >= p.n) r.fail("m", "must be less than n (" + std::to_string(p.n) + ")");
            p.link = read_generated_link(r, "latency", "bandwidth", p.link);
            p.prefix = r.get_or("prefix", parse_string, p.prefix);
            t = net::barabasi_albert(p, rng);
        } else if (model == "grid") {
            net::GridParams p;
            p.rows = count("rows", 1, kMax);
            p.cols = count("cols", 1, kMax);
            if (p.rows * p.cols > kMax) {
                r.fail("cols", "rows x cols must be at most " + std::to_string(kMax));
            }
            p.link = read_generated_link(r, "latency", "bandwidth", p.link);
            p.prefix = r.get_or("prefix", parse_string, p.prefix);
            t = net::grid(p);
        } else if (model == "tree") {
            net::TreeParams p;
            p.depth = count("depth", 0, 64);
            p.fanout = count_or("fanout", 1, kMax, p.fanout);
            p.link = read_generated_link(r, "latency", "bandwidth", p.link);
            p.prefix = r.get_or("prefix", parse_string, p.prefix);
            t = net::tree(p);
        } else {
            net::IspParams p;
            p.backbone = count("backbone", 1, kMax);
            p.access = count_or("access", 0, kMax, p.access);
            p.chords = count_or("chords", 0, kMax, p.chords);
            p.dual_homed = r.get_or("dual_homed", parse_bool, p.dual_homed);
            p.backbone_link =
                read_generated_link(r, "backbone_latency", "backbone_bandwidth", p.backbone_link);
            p.access_link =
                read_generated_link(r, "access_latency", "access_bandwidth", p.access_link);
            p.prefix = r.get_or("prefix", parse_string, p.prefix);
            t = net::isp(p, rng);
        }
    } catch (const net::GeneratorError& e) {
        // The generators name the offending parameter first ("chords must be ..."): point
        // at it when the block has it.
        const std::string what = e.what();
        const std::string key = what.substr(0, what.find(' '));
        throw PathError(
            std::find(own.begin(), own.end(), key) != own.end() && r.has(key) ? r.path(key) : path,
            what);
    }

    TopologyPart part;
    part.nodes.reserve(t.ids.size());
    for (std::size_t i = 0; i < t.ids.size(); ++i) {
        model::NodeSpec node;
        node.id = std::move(t.ids[i]);
        node.kind = net::NodeKind::Router;
        part.nodes.push_back(std::move(node));
        part.origins.push_back(path + " (" + model + " node " + std::to_string(i) + ")");
    }
    part.links = std::move(t.links);
    if (t.bridges > 0) {
        part.warnings.push_back("waxman: " + plural(t.bridges, "link", "links") +
                                " added between the nearest nodes of " +
                                plural(t.bridges + 1, "component", "components") +
                                " to connect the graph (raise alpha or beta for a denser draw)");
    }
    return part;
}

void print_warnings(const TopologyPart& part, const std::string& file_name,
                    const std::string& path) {
    static std::mutex mutex;
    static std::set<std::string> printed;
    const std::lock_guard lock(mutex);
    for (const std::string& warning : part.warnings) {
        std::string line = "msgsim: warning: " + file_name + ": " + path + ": " + warning;
        if (printed.insert(line).second) std::cerr << line << '\n';
    }
}

}  // namespace sim::scenario
