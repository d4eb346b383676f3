#include "sim/io/comparison.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "sim/core/stats.hpp"

namespace sim::io {

using json = nlohmann::ordered_json;

ReplicationResult replication_from_summary(std::uint64_t seed, const json& s) {
    ReplicationResult r;
    r.seed = seed;
    r.sent = s.at("messages").at("sent").get<std::uint64_t>();
    r.delivered = s.at("messages").at("delivered").get<std::uint64_t>();
    const json& lat = s.at("latency_ms");
    r.latency_count = lat.at("count").get<std::uint64_t>();
    r.latency_mean = lat.at("mean").get<double>();
    r.latency_p50 = lat.at("p50").get<double>();
    r.latency_p99 = lat.at("p99").get<double>();
    const json& p = s.at("packets");
    r.retransmissions = p.at("retransmissions").get<std::uint64_t>();
    // Every cause the summary knows, so a cause added later is counted without a change here.
    for (const auto& [cause, n] : p.at("dropped").items())
        r.drops += n.get<std::uint64_t>();
    r.events = s.at("events").get<std::uint64_t>();
    return r;
}

Estimate estimate(const std::vector<double>& samples) {
    Estimate e;
    e.samples = samples.size();
    RunningStats st;
    for (double x : samples)
        st.add(x);
    e.mean = st.mean();
    // mean_ci95 centres on the same Welford mean, so lo <= mean <= hi holds exactly.
    if (samples.size() >= 2) e.ci95 = mean_ci95(samples);
    return e;
}

GroupStats summarize(const std::vector<ReplicationResult>& reps) {
    GroupStats g;
    g.replications = reps.size();
    std::vector<double> ratio, mean, p50, p99, retrans, drops;
    for (const ReplicationResult& r : reps) {
        g.sent += r.sent;
        g.delivered += r.delivered;
        if (r.sent > 0)
            ratio.push_back(static_cast<double>(r.delivered) / static_cast<double>(r.sent));
        if (r.latency_count > 0) {
            mean.push_back(r.latency_mean);
            p50.push_back(r.latency_p50);
            p99.push_back(r.latency_p99);
        }
        retrans.push_back(static_cast<double>(r.retransmissions));
        drops.push_back(static_cast<double>(r.drops));
    }
    if (g.sent > 0)
        g.delivered_ratio = static_cast<double>(g.delivered) / static_cast<double>(g.sent);
    g.delivered_ratio_per_rep = estimate(ratio);
    g.latency_mean = estimate(mean);
    g.latency_p50 = estimate(p50);
    g.latency_p99 = estimate(p99);
    g.retransmissions = estimate(retrans);
    g.drops = estimate(drops);
    return g;
}

namespace {

json value_or_null(const Estimate& e) {
    return e.samples > 0 ? json(e.mean) : json(nullptr);
}

json ci_or_null(const Estimate& e) {
    return e.ci95 ? json::array({e.ci95->first, e.ci95->second}) : json(nullptr);
}

}  // namespace

json group_json(const GroupStats& g, const std::vector<ReplicationResult>& reps) {
    json o;
    o["delivered_ratio"] = g.delivered_ratio ? json(*g.delivered_ratio) : json(nullptr);
    o["delivered_ratio_ci95"] = ci_or_null(g.delivered_ratio_per_rep);
    o["latency_ms"] = {
        {"mean", value_or_null(g.latency_mean)}, {"mean_ci95", ci_or_null(g.latency_mean)},
        {"p50", value_or_null(g.latency_p50)},   {"p50_ci95", ci_or_null(g.latency_p50)},
        {"p99", value_or_null(g.latency_p99)},   {"p99_ci95", ci_or_null(g.latency_p99)},
        {"replications", g.latency_mean.samples}};
    o["retransmissions"] = value_or_null(g.retransmissions);
    o["retransmissions_ci95"] = ci_or_null(g.retransmissions);
    o["drops"] = value_or_null(g.drops);
    o["drops_ci95"] = ci_or_null(g.drops);
    o["messages"] = {{"sent", g.sent}, {"delivered", g.delivered}};
    json runs = json::array();
    for (const ReplicationResult& r : reps) {
        runs.push_back({{"seed", r.seed},
                        {"sent", r.sent},
                        {"delivered", r.delivered},
                        {"latency_ms",
                         {{"count", r.latency_count},
                          {"mean", r.latency_mean},
                          {"p50", r.latency_p50},
                          {"p99", r.latency_p99}}},
                        {"retransmissions", r.retransmissions},
                        {"drops", r.drops},
                        {"events", r.events}});
    }
    o["runs"] = std::move(runs);
    return o;
}

namespace {

json header(const std::string& scenario, std::size_t replications,
            const std::vector<std::string>& overrides) {
    json doc;
    doc["scenario"] = scenario;
    doc["replications"] = replications;
    doc["confidence"] = 0.95;
    doc["interval"] = "Student t over replications";
    doc["overrides"] = overrides;
    return doc;
}

}  // namespace

json make_compare(
    const std::string& scenario, std::size_t replications,
    const std::vector<std::string>& overrides,
    const std::vector<std::pair<std::string, std::vector<ReplicationResult>>>& policies) {
    json doc = header(scenario, replications, overrides);
    json list = json::array();
    for (const auto& [policy, reps] : policies) {
        json entry;
        entry["policy"] = policy;
        entry.update(group_json(summarize(reps), reps));
        list.push_back(std::move(entry));
    }
    doc["policies"] = std::move(list);
    return doc;
}

json make_sweep(const std::string& scenario, std::size_t replications,
                const std::vector<std::string>& overrides,
                const std::vector<std::pair<json, std::vector<ReplicationResult>>>& rows) {
    json doc = header(scenario, replications, overrides);
    json list = json::array();
    for (const auto& [set, reps] : rows) {
        json entry;
        entry["set"] = set;
        entry.update(group_json(summarize(reps), reps));
        list.push_back(std::move(entry));
    }
    doc["rows"] = std::move(list);
    return doc;
}

namespace {

std::string fixed(const json& v, int precision) {
    if (!v.is_number()) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", precision, v.get<double>());
    return buf;
}

/// "12.34 [11.02, 13.66]", or without the interval when there is none.
std::string with_ci(const json& v, const json& ci, int precision) {
    std::string s = fixed(v, precision);
    if (ci.is_array()) s += " [" + fixed(ci[0], precision) + ", " + fixed(ci[1], precision) + "]";
    return s;
}

std::string set_value_text(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

std::string format_table(const json& doc) {
    const bool sweep = doc.contains("rows");
    const json& entries = sweep ? doc.at("rows") : doc.at("policies");
    // Columns: the configuration's (policy, or the swept paths in order), then the statistics.
    std::vector<std::string> heads;
    std::vector<bool> left;  // text columns are left-aligned, numbers right-aligned
    if (sweep) {
        if (!entries.empty()) {
            for (const auto& [path, v] : entries[0].at("set").items()) {
                heads.push_back(path);
                left.push_back(true);
            }
        }
    } else {
        heads.push_back("policy");
        left.push_back(true);
    }
    const std::size_t key_columns = heads.size();
    for (const char* h : {"delivered %", "mean ms [95% CI]", "p50 ms", "p99 ms [95% CI]",
                          "retransmissions", "drops"}) {
        heads.emplace_back(h);
        left.push_back(false);
    }
    std::vector<std::vector<std::string>> cells;
    for (const json& e : entries) {
        std::vector<std::string> row;
        if (sweep) {
            for (const auto& [path, v] : e.at("set").items())
                row.push_back(set_value_text(v));
        } else {
            row.push_back(e.at("policy").get<std::string>());
        }
        row.resize(key_columns);
        const json& ratio = e.at("delivered_ratio");
        row.push_back(ratio.is_number() ? fixed(ratio.get<double>() * 100, 2) : "-");
        const json& lat = e.at("latency_ms");
        row.push_back(with_ci(lat.at("mean"), lat.at("mean_ci95"), 2));
        row.push_back(fixed(lat.at("p50"), 2));
        row.push_back(with_ci(lat.at("p99"), lat.at("p99_ci95"), 2));
        row.push_back(fixed(e.at("retransmissions"), 1));
        row.push_back(fixed(e.at("drops"), 1));
        cells.push_back(std::move(row));
    }
    std::vector<std::size_t> width(heads.size());
    for (std::size_t c = 0; c < heads.size(); ++c) {
        width[c] = heads[c].size();
        for (const auto& row : cells)
            width[c] = std::max(width[c], row[c].size());
    }
    std::string out;
    const auto line = [&](const std::vector<std::string>& row) {
        std::string l;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string pad(width[c] - row[c].size(), ' ');
            if (c > 0) l += "  ";
            l += left[c] ? row[c] + pad : pad + row[c];
        }
        // No trailing blanks when the last column is left-aligned text.
        l.erase(l.find_last_not_of(' ') + 1);
        out += l + '\n';
    };
    line(heads);
    for (const auto& row : cells)
        line(row);
    return out;
}

std::vector<std::string> split_values(const std::string& list) {
    std::vector<std::string> values;
    std::string current;
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    const auto bad = [&](const std::string& why) {
        throw std::invalid_argument("cannot split \"" + list + "\" into values: " + why);
    };
    for (char c : list) {
        if (in_string) {
            // A backslash escapes the next character, so \" does not end the string.
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            current += c;
            continue;
        }
        if (c == ',' && depth == 0) {
            if (current.empty()) bad("an empty value");
            values.push_back(std::move(current));
            current.clear();
            continue;
        }
        if (c == '"') in_string = true;
        if (c == '[' || c == '{') ++depth;
        if (c == ']' || c == '}') {
            if (--depth < 0) bad("a closing bracket without an opening one");
        }
        current += c;
    }
    if (in_string) bad("an unterminated string");
    if (depth != 0) bad("an unclosed bracket");
    if (current.empty()) bad("an empty value");
    values.push_back(std::move(current));
    return values;
}

json override_value(const std::string& value) {
    // The loader's rule (scenario::apply_override), so sweep.json shows the value the run used.
    try {
        return json::accept(value) ? json::parse(value) : json(value);
    } catch (const json::exception&) {
        return json(value);  // valid JSON syntax but not representable (1e999)
    }
}

}  // namespace sim::io
