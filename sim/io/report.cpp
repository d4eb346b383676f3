#include "sim/io/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "sim/core/stats.hpp"
#include "sim/model/journal.hpp"

namespace sim::io {

using json = nlohmann::ordered_json;
using model::Delivery;
using model::MessageRecord;
using model::Stage;

namespace {

json ms_or_null(bool has, Time t) {
    return has ? json(to_ms(t)) : json(nullptr);
}

std::string node_id(const model::ModelSpec& spec, net::NodeIndex n) {
    return n == net::kNoNode ? std::string() : spec.nodes[n].id;
}

json path_json(const model::ModelSpec& spec, const std::vector<net::NodeIndex>& path) {
    json a = json::array();
    for (net::NodeIndex n : path)
        a.push_back(spec.nodes[n].id);
    return a;
}

/// A delivery's full stage breakdown: the message's sender side and uplink, then its own.
model::Stages full_stages(const MessageRecord& m, const Delivery& d) {
    model::Stages s = m.uplink;
    s += d.stages;
    return s;
}

json stages_json(const model::Stages& s, double divisor) {
    json o = json::object();
    for (std::size_t i = 0; i < model::kStageCount; ++i) {
        const auto stage = static_cast<Stage>(i);
        o[std::string(model::stage_name(stage))] = divisor > 0 ? to_ms(s[stage]) / divisor : 0.0;
    }
    return o;
}

/// The receipts the sender saw, in the order seen.
json receipts_json(const model::ModelSpec& spec, const MessageRecord& m) {
    json a = json::array();
    for (const model::ReceiptSeen& r : m.receipts) {
        a.push_back({{"type", r.kind == model::MessageKind::ReadReceipt ? "read" : "delivered"},
                     {"device", node_id(spec, r.device)},
                     {"seen_at_ms", to_ms(r.seen_at)}});
    }
    return a;
}

}  // namespace

json make_summary(const model::ModelSpec& spec, const model::RunResult& r) {
    std::vector<double> latencies;
    model::Stages stage_sum;
    std::uint64_t unique = 0;
    RunningStats receipt_delay[2];  // message sent -> receipt seen: delivered, read
    for (const MessageRecord& m : r.journal.messages()) {
        if (m.kind != model::MessageKind::User) continue;
        ++unique;
        for (const model::ReceiptSeen& seen : m.receipts) {
            receipt_delay[seen.kind == model::MessageKind::ReadReceipt].add(
                to_ms(seen.seen_at - m.sent_at));
        }
        for (const Delivery& d : m.deliveries) {
            if (d.sync || d.status() != Delivery::Status::Delivered) continue;
            latencies.push_back(to_ms(d.latency));
            stage_sum += full_stages(m, d);
        }
    }
    std::sort(latencies.begin(), latencies.end());
    RunningStats lat;
    for (double x : latencies)
        lat.add(x);

    json s;
    s["scenario"] = spec.name;
    s["seed"] = spec.seed;
    s["policy"] = spec.routing.policy;
    s["server_selection"] = spec.routing.server_selection;
    s["sim_time_s"] = to_seconds(r.sim_time);
    s["wall_time_s"] = r.wall_time_s;
    s["events"] = r.events;
    s["fingerprint"] = [&] {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(r.fingerprint));
        return std::string(buf);
    }();
    s["interrupted"] = r.interrupted;
    auto counts = [](const model::DeliveryCounts& c) {
        return json{{"sent", c.sent},       {"delivered", c.delivered}, {"read", c.read},
                    {"pending", c.pending}, {"stored", c.stored},       {"expired", c.expired},
                    {"lost", c.lost}};
    };
    s["messages"] = counts(r.deliveries);
    s["messages"]["unique"] = unique;
    s["sync"] = counts(r.sync);
    s["sync"].erase("read");
    s["receipts"] = {{"delivered", counts(r.receipts_delivered)},
                     {"read", counts(r.receipts_read)}};
    for (int k = 0; k < 2; ++k) {
        json& o = s["receipts"][k == 0 ? "delivered" : "read"];
        o.erase("read");
        o["seen_after_ms"] = receipt_delay[k].mean();  // mean, from the message's send time
    }
    s["latency_ms"] = {{"count", latencies.size()},
                       {"mean", lat.mean()},
                       {"p50", quantile_sorted(latencies, 0.50)},
                       {"p90", quantile_sorted(latencies, 0.90)},
                       {"p99", quantile_sorted(latencies, 0.99)},
                       {"max", latencies.empty() ? 0.0 : latencies.back()}};
    s["stages_ms"] = stages_json(stage_sum, static_cast<double>(latencies.size()));
    const auto& p = r.packets;
    s["packets"] = {{"sent", p.sent},
                    {"delivered", p.delivered},
                    {"retransmissions", p.retransmissions},
                    {"dropped",
                     {{"loss", p.drops_loss},
                      {"queue_full", p.drops_queue_full},
                      {"link_down", p.drops_link_down},
                      {"no_route", p.drops_no_route},
                      {"red", p.drops_red}}},
                    {"resend_interval_capped", p.resends_capped},
                    {"server_busy", p.server_busy}};
    if (!spec.datagrams.empty()) {
        const model::DatagramCounters& d = r.datagrams;
        std::vector<double> delays;
        delays.reserve(d.delays.size());
        for (Duration x : d.delays)
            delays.push_back(to_ms(x));
        std::sort(delays.begin(), delays.end());
        RunningStats st;
        for (double x : delays)
            st.add(x);
        s["datagrams"] = {{"sent", d.sent},
                          {"delivered", d.delivered},
                          {"dropped", d.dropped},
                          {"in_flight", d.sent - d.delivered - d.dropped},
                          {"delay_ms",
                           {{"count", delays.size()},
                            {"mean", st.mean()},
                            {"p50", quantile_sorted(delays, 0.5)},
                            {"p99", quantile_sorted(delays, 0.99)},
                            {"max", delays.empty() ? 0.0 : delays.back()}}}};
    }
    json links = json::array();
    const double seconds = to_seconds(r.sim_time);
    for (const model::LinkReport& l : r.links) {
        const net::PortStats& st = l.stats;
        links.push_back(
            {{"from", node_id(spec, l.from)},
             {"to", node_id(spec, l.to)},
             {"utilization", seconds > 0 ? to_seconds(st.busy) / seconds : 0.0},
             {"packets", st.packets_sent},
             {"bytes", st.bytes_sent},
             {"mean_queue_delay_ms",
              st.waits ? to_ms(st.total_wait) / static_cast<double>(st.waits) : 0.0},
             {"max_queue_bytes", st.max_queue_bytes},
             {"drops", st.drops_loss + st.drops_queue_full + st.drops_red + st.drops_link_down},
             {"dropped",
              {{"loss", st.drops_loss},
               {"queue_full", st.drops_queue_full},
               {"link_down", st.drops_link_down},
               {"red", st.drops_red}}}});
    }
    s["links"] = std::move(links);
    if (!r.populations.empty()) {
        json pops = json::array();
        for (const model::PopulationReport& p : r.populations) {
            const auto direction = [&](const net::PortStats& st, Duration max_busy) {
                const double capacity = seconds * static_cast<double>(p.devices);
                return json{
                    {"packets", st.packets_sent},
                    {"bytes", st.bytes_sent},
                    {"mean_utilization", capacity > 0 ? to_seconds(st.busy) / capacity : 0.0},
                    {"max_utilization", seconds > 0 ? to_seconds(max_busy) / seconds : 0.0},
                    {"mean_queue_delay_ms",
                     st.waits ? to_ms(st.total_wait) / static_cast<double>(st.waits) : 0.0},
                    {"max_queue_bytes", st.max_queue_bytes},
                    {"drops",
                     st.drops_loss + st.drops_queue_full + st.drops_red + st.drops_link_down},
                    {"dropped",
                     {{"loss", st.drops_loss},
                      {"queue_full", st.drops_queue_full},
                      {"link_down", st.drops_link_down},
                      {"red", st.drops_red}}}};
            };
            pops.push_back({{"prefix", p.name},
                            {"users", p.users},
                            {"devices", p.devices},
                            {"access_links",
                             {{"uplink", direction(p.uplink, p.max_busy_up)},
                              {"downlink", direction(p.downlink, p.max_busy_down)}}}});
        }
        s["populations"] = std::move(pops);
    }
    json servers = json::array();
    for (const model::ServerReport& sv : r.servers) {
        const model::ServerStats& st = sv.stats;
        servers.push_back({{"id", node_id(spec, sv.node)},
                           {"processed", st.processed},
                           {"mean_wait_ms",
                            st.waits ? to_ms(st.total_wait) / static_cast<double>(st.waits) : 0.0},
                           {"max_queue", st.max_queue},
                           {"stored_peak", st.stored_peak},
                           {"stored_at_end", sv.stored_at_end},
                           {"refused_busy", st.refused_busy},
                           {"expired", st.expired},
                           {"crashes", st.crashes},
                           {"lost", st.lost},
                           {"relayed", st.relayed},
                           {"relay_in", st.relay_in}});
    }
    s["servers"] = std::move(servers);
    // Conversation history at the end: every device that has a message keeps its
    // plaintext (the sender's device included); the cloud keeps one encrypted copy of
    // every message a server processed (committed: not one that died in a crash).
    std::uint64_t on_devices = 0, device_bytes = 0, in_cloud = 0, cloud_bytes = 0;
    const std::string& place = spec.protocol.history;
    for (const MessageRecord& m : r.journal.messages()) {
        if (m.kind != model::MessageKind::User) continue;
        if (place != "cloud") {
            std::uint64_t copies = 1;  // the sender's
            for (const Delivery& d : m.deliveries)
                copies += d.status() == Delivery::Status::Delivered;
            on_devices += copies;
            device_bytes += copies * m.size_bytes;
        }
        if (place != "device" && m.committed) {
            ++in_cloud;
            cloud_bytes += m.wire_bytes;
        }
    }
    s["history"] = {{"place", place},
                    {"device", {{"messages", on_devices}, {"bytes", device_bytes}}},
                    {"cloud", {{"messages", in_cloud}, {"bytes", cloud_bytes}}}};
    json updates = json::array();
    for (const model::RouteUpdate& u : r.route_updates) {
        json changes = json::array();
        for (const auto& [dir, before, after] : u.changes) {
            const net::LinkSpec& l = spec.links[dir / 2];
            const bool forward = dir % 2 == 0;
            changes.push_back({{"from", node_id(spec, forward ? l.a : l.b)},
                               {"to", node_id(spec, forward ? l.b : l.a)},
                               {"old_cost", before},
                               {"new_cost", after}});
        }
        updates.push_back(
            {{"at_ms", to_ms(u.at)}, {"reason", u.reason}, {"changes", std::move(changes)}});
    }
    s["routing"] = {{"updates", r.route_updates.size()}, {"changes", std::move(updates)}};
    return s;
}

json make_trace(const model::ModelSpec& spec, const model::RunResult& r) {
    json messages = json::array();
    const auto& msgs = r.journal.messages();
    // A message's id is its index in the journal: messages are created in event order,
    // so ids follow send time, and packet and event traces use the same ids.
    for (std::uint32_t id = 0; id < msgs.size(); ++id) {
        const MessageRecord& m = msgs[id];
        if (m.kind != model::MessageKind::User) continue;  // receipts are listed with theirs
        json deliveries = json::array();
        for (const Delivery& d : m.deliveries) {
            const bool done = d.status() == Delivery::Status::Delivered;
            static constexpr const char* kStatus[] = {"pending", "stored", "delivered", "expired",
                                                      "lost"};
            // The full path: uplink to the server, then the downlink without the server twice.
            std::vector<net::NodeIndex> path;
            if (done) {
                // Over the backbone when relayed: each server appears once.
                path = m.uplink_path;
                path.insert(path.end(), d.relay_path.begin() + (d.relay_path.empty() ? 0 : 1),
                            d.relay_path.end());
                path.insert(path.end(), d.path.begin() + (d.path.empty() ? 0 : 1), d.path.end());
            }
            const net::NodeIndex delivering =
                d.relay_server != net::kNoNode ? d.relay_server : m.server;
            json o = {{"device", node_id(spec, d.device)},
                      {"status", kStatus[static_cast<int>(d.status())]},
                      {"delivered_at_ms", ms_or_null(done, d.delivered_at)},
                      {"displayed_at_ms", ms_or_null(done, d.displayed_at)},
                      {"latency_ms", done ? json(to_ms(d.latency)) : json(nullptr)},
                      {"path", path_json(spec, path)},
                      {"server", node_id(spec, delivering)},
                      {"backbone_path",
                       path_json(spec, done ? d.relay_path : std::vector<net::NodeIndex>{})},
                      {"retransmissions", m.uplink_retransmissions + d.retransmissions},
                      {"stored_ms", to_ms(d.stored_for)},
                      {"read_at_ms", ms_or_null(d.read, d.read_at)},
                      {"sync", d.sync}};
            if (done) o["stages_ms"] = stages_json(full_stages(m, d), 1.0);
            deliveries.push_back(std::move(o));
        }
        messages.push_back({{"id", id},
                            {"from", spec.users[m.from].id},
                            {"to", spec.users[m.to].id},
                            {"from_device", node_id(spec, m.sender)},
                            {"content", model::content_name(m.content)},
                            {"sent_at_ms", to_ms(m.sent_at)},
                            {"size_bytes", m.size_bytes},
                            {"wire_bytes", m.wire_bytes},
                            {"packets", m.packets},
                            {"server", node_id(spec, m.server)},
                            {"deliveries", std::move(deliveries)},
                            {"receipts", receipts_json(spec, m)}});
    }
    return {{"scenario", spec.name}, {"seed", spec.seed}, {"messages", std::move(messages)}};
}

json make_topology(const model::ModelSpec& spec) {
    static constexpr const char* kKinds[] = {"phone", "router", "server"};
    // Generated devices are listed one by one only in small populations; large ones are
    // summarised per router ("populations"), so topology.json stays small.
    std::uint64_t generated = 0;
    for (const model::PopulationRange& p : spec.populations)
        generated += p.devices;
    const bool list_generated = generated <= kListedPopulationDevices;
    json nodes = json::array();
    std::vector<std::int64_t> listed_as(spec.nodes.size(), -1);
    for (net::NodeIndex i = 0; i < spec.nodes.size(); ++i) {
        const model::NodeSpec& n = spec.nodes[i];
        if (!list_generated && spec.generated_device(i)) continue;
        listed_as[i] = static_cast<std::int64_t>(nodes.size());
        json o = {{"id", n.id}, {"kind", kKinds[static_cast<int>(n.kind)]}};
        if (n.kind == net::NodeKind::Phone) {
            o["type"] = n.type;
            o["user"] = spec.users[n.user].id;
            o["access"] = n.access;
        }
        if (n.kind == net::NodeKind::Server) o["region"] = n.region;
        if (n.location) {
            o["lat"] = n.location->lat;
            o["lon"] = n.location->lon;
        }
        nodes.push_back(std::move(o));
    }
    for (const model::PresenceSpec& p : spec.presence) {
        json spans = json::array();
        for (const auto& [from, to] : p.offline)
            spans.push_back({to_ms(from), to_ms(to)});
        if (listed_as[p.device] >= 0) {
            nodes[static_cast<std::size_t>(listed_as[p.device])]["offline"] =
                std::move(spans);  // [from, to) in ms
        }
    }
    json links = json::array();
    for (const net::LinkSpec& l : spec.links) {
        if (listed_as[l.a] < 0 || listed_as[l.b] < 0) continue;
        links.push_back({{"from", spec.nodes[l.a].id},
                         {"to", spec.nodes[l.b].id},
                         {"latency_ms", to_ms(l.latency)},
                         {"bandwidth_bps", l.bandwidth_bps}});
    }
    json topology = {
        {"scenario", spec.name}, {"nodes", std::move(nodes)}, {"links", std::move(links)}};
    if (!spec.populations.empty()) {
        json pops = json::array();
        for (const model::PopulationRange& p : spec.populations) {
            std::map<net::NodeIndex, std::uint64_t> per_router;
            for (std::uint32_t k = 0; k < p.devices; ++k)
                ++per_router[spec.links[p.first_link + k].b];
            json routers = json::array();
            for (const auto& [router, count] : per_router)
                routers.push_back({{"router", spec.nodes[router].id}, {"devices", count}});
            pops.push_back({{"prefix", p.name},
                            {"users", p.users},
                            {"devices", p.devices},
                            {"listed", list_generated},
                            {"attached", std::move(routers)}});
        }
        topology["populations"] = std::move(pops);
    }
    return topology;
}

std::string format_summary(const json& s) {
    std::ostringstream o;
    char line[256];
    const auto& m = s["messages"];
    const auto& l = s["latency_ms"];
    std::snprintf(line, sizeof line,
                  "%s  seed %llu  policy %s  %.3f s simulated in %.3f s wall, %llu events\n",
                  s["scenario"].get<std::string>().c_str(), s["seed"].get<unsigned long long>(),
                  s["policy"].get<std::string>().c_str(), s["sim_time_s"].get<double>(),
                  s["wall_time_s"].get<double>(), s["events"].get<unsigned long long>());
    o << line;
    std::snprintf(line, sizeof line,
                  "messages   sent %llu  delivered %llu  read %llu  pending %llu  stored %llu  "
                  "expired %llu\n",
                  m["sent"].get<unsigned long long>(), m["delivered"].get<unsigned long long>(),
                  m["read"].get<unsigned long long>(), m["pending"].get<unsigned long long>(),
                  m["stored"].get<unsigned long long>(), m["expired"].get<unsigned long long>());
    o << line;
    if (m.value("lost", 0ULL) > 0) {
        std::snprintf(line, sizeof line,
                      "           lost %llu (in crashes of servers without durable storage)\n",
                      m["lost"].get<unsigned long long>());
        o << line;
    }
    std::snprintf(line, sizeof line,
                  "latency    mean %.3f ms  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f ms\n",
                  l["mean"].get<double>(), l["p50"].get<double>(), l["p90"].get<double>(),
                  l["p99"].get<double>(), l["max"].get<double>());
    o << line;
    const auto& p = s["packets"];
    std::snprintf(line, sizeof line,
                  "packets    sent %llu  delivered %llu  retransmissions %llu  dropped: loss %llu, "
                  "queue full %llu, link down %llu\n",
                  p["sent"].get<unsigned long long>(), p["delivered"].get<unsigned long long>(),
                  p["retransmissions"].get<unsigned long long>(),
                  p["dropped"]["loss"].get<unsigned long long>(),
                  p["dropped"]["queue_full"].get<unsigned long long>(),
                  p["dropped"]["link_down"].get<unsigned long long>());
    o << line;
    if (s.contains("datagrams")) {
        const auto& d = s["datagrams"];
        std::snprintf(
            line, sizeof line,
            "datagrams  sent %llu  delivered %llu  dropped %llu  delay mean %.3f ms  p99 %.3f ms\n",
            d["sent"].get<unsigned long long>(), d["delivered"].get<unsigned long long>(),
            d["dropped"].get<unsigned long long>(), d["delay_ms"]["mean"].get<double>(),
            d["delay_ms"]["p99"].get<double>());
        o << line;
    }
    // Where the time went, largest stages first.
    std::vector<std::pair<double, std::string>> stages;
    for (const auto& [k, v] : s["stages_ms"].items())
        stages.emplace_back(v.get<double>(), k);
    std::stable_sort(stages.begin(), stages.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    o << "mean stages";
    for (const auto& [v, k] : stages) {
        if (v <= 0) continue;
        std::snprintf(line, sizeof line, "  %s %.3f", k.c_str(), v);
        o << line;
    }
    o << " (ms)\n";
    return o.str();
}

std::vector<ExpectationFailure> check_expectations(const std::vector<model::Expectation>& expect,
                                                   const json& summary) {
    std::vector<ExpectationFailure> failures;
    for (const model::Expectation& e : expect) {
        const json* node = &summary;
        std::string part;
        std::istringstream parts(e.metric);
        bool found = true;
        while (std::getline(parts, part, '.')) {
            // Objects by key, arrays by index: "servers.0.stored_peak".
            if (node->is_object() && node->contains(part)) {
                node = &(*node)[part];
            } else if (node->is_array() && !part.empty() &&
                       part.find_first_not_of("0123456789") == std::string::npos &&
                       std::stoull(part) < node->size()) {
                node = &(*node)[std::stoull(part)];
            } else {
                found = false;
                break;
            }
        }
        if (!found || !node->is_number()) {
            failures.push_back(
                {e.where, "metric \"" + e.metric + "\" is not a number in summary.json"});
            continue;
        }
        const double v = node->get<double>();
        char buf[200];
        if (e.equals && v != *e.equals) {
            std::snprintf(buf, sizeof buf, "%s = %g, expected == %g", e.metric.c_str(), v,
                          *e.equals);
            failures.push_back({e.where, buf});
        }
        if (e.min && v < *e.min) {
            std::snprintf(buf, sizeof buf, "%s = %g, expected >= %g", e.metric.c_str(), v, *e.min);
            failures.push_back({e.where, buf});
        }
        if (e.max && v > *e.max) {
            std::snprintf(buf, sizeof buf, "%s = %g, expected <= %g", e.metric.c_str(), v, *e.max);
            failures.push_back({e.where, buf});
        }
    }
    return failures;
}

}  // namespace sim::io
