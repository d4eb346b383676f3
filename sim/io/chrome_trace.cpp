#include "sim/io/chrome_trace.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "sim/core/scheduler.hpp"

namespace sim::io {

namespace {

using json = nlohmann::ordered_json;

/// Microseconds, the format's unit, from integer nanoseconds. The trailing 1 (0.1 ns) makes
/// readers that compute int64(ts * 1000.0), as Perfetto does, land on the exact nanosecond
/// rather than one below it; so back-to-back slices meet exactly and never overlap.
std::string us(Time t) {
    const auto ns = t.time_since_epoch().count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld1", static_cast<long long>(ns / 1000),
                  static_cast<long long>(ns % 1000));
    return buf;
}

std::uint32_t pid(net::NodeIndex node) {
    return node + 1;
}

/// Identifies one copy of one packet across its hops (a flow of arrows).
std::uint64_t copy_key(const model::Packet& p) {
    std::uint64_t h =
        mix64(static_cast<std::uint64_t>(p.kind) << 56 | std::uint64_t{p.leg} << 48 | p.message);
    h = mix64(h ^ (std::uint64_t{p.src} << 32 | p.dst));
    h = mix64(h ^ (std::uint64_t{p.seq} << 32 | p.copy));
    return mix64(h ^ p.generation) >> 11;  // fits a double exactly, for JSON readers
}

std::string packet_name(const model::Packet& p) {
    std::string s = std::string(model::packet_kind_name(p.kind)) + " m" +
                    std::to_string(p.message) + " #" + std::to_string(p.seq);
    if (p.copy > 0) s += " resend " + std::to_string(p.copy);
    return s;
}

std::string packet_args(const model::ModelSpec& spec, const model::Packet& p) {
    return json{{"message", p.message},
                {"kind", model::packet_kind_name(p.kind)},
                {"seq", p.seq},
                {"count", p.count},
                {"copy", p.copy},
                {"bytes", p.bytes},
                {"src", spec.nodes[p.src].id},
                {"dst", spec.nodes[p.dst].id}}
        .dump();
}

}  // namespace

ChromeTrace::ChromeTrace(const model::ModelSpec& spec, std::filesystem::path path)
    : spec_(spec),
      out_(std::move(path)),
      next_tid_(static_cast<std::uint32_t>(spec.nodes.size()) + 1),
      receive_lanes_(spec.nodes.size()) {
    out_.line("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    static constexpr const char* kKinds[] = {"phone", "router", "server"};
    for (net::NodeIndex n = 0; n < spec.nodes.size(); ++n) {
        const std::string name =
            spec.nodes[n].id + " (" + kKinds[static_cast<int>(spec.nodes[n].kind)] + ")";
        emit(json{{"ph", "M"},
                  {"name", "process_name"},
                  {"pid", pid(n)},
                  {"tid", pid(n)},
                  {"args", {{"name", name}}}}
                 .dump());
        emit(json{{"ph", "M"},
                  {"name", "process_sort_index"},
                  {"pid", pid(n)},
                  {"tid", pid(n)},
                  {"args", {{"sort_index", n}}}}
                 .dump());
        receive_lanes_[n].name = "receive";
    }
}

void ChromeTrace::emit(const std::string& event) {
    out_.line(first_ ? event : "," + event);
    first_ = false;
}

std::uint32_t ChromeTrace::lane_for(net::NodeIndex node, Lanes& lanes, Time start, Time end) {
    for (auto& [tid, lane_end] : lanes.lanes) {
        if (lane_end <= start) {
            lane_end = end;
            return tid;
        }
    }
    const std::uint32_t tid = next_tid_++;
    const std::string name = lanes.lanes.empty()
                                 ? lanes.name
                                 : lanes.name + " " + std::to_string(lanes.lanes.size() + 1);
    lanes.lanes.emplace_back(tid, end);
    emit(json{{"ph", "M"},
              {"name", "thread_name"},
              {"pid", pid(node)},
              {"tid", tid},
              {"args", {{"name", name}}}}
             .dump());
    emit(json{{"ph", "M"},
              {"name", "thread_sort_index"},
              {"pid", pid(node)},
              {"tid", tid},
              {"args", {{"sort_index", tid}}}}
             .dump());
    return tid;
}

ChromeTrace::Lanes& ChromeTrace::port_lanes(net::NodeIndex node, net::NodeIndex peer, bool queue) {
    const std::uint64_t key = (std::uint64_t{node} << 33) | (std::uint64_t{peer} << 1) | queue;
    Lanes& l = port_lanes_[key];
    if (l.name.empty()) l.name = (queue ? "queue → " : "tx → ") + spec_.nodes[peer].id;
    return l;
}

void ChromeTrace::slice(net::NodeIndex node, std::uint32_t tid, const std::string& name,
                        const char* cat, Time start, Time end, const std::string& extra) {
    std::string e = "{\"ph\":\"X\",\"pid\":" + std::to_string(pid(node)) +
                    ",\"tid\":" + std::to_string(tid) + ",\"ts\":" + us(start) +
                    ",\"dur\":" + us(Time{} + (end - start)) + ",\"cat\":\"" + cat +
                    "\",\"name\":" + json(name).dump() + extra + "}";
    emit(e);
}

void ChromeTrace::on_packet(Time t, What what, net::NodeIndex at, net::NodeIndex next,
                            const model::Packet& p) {
    const std::uint64_t copy = copy_key(p);
    const std::uint64_t here = mix64(copy ^ (std::uint64_t{at} << 40));
    switch (what) {
        case What::Sent: {
            // Written at the end of transmission; it started at hop_mark. The wait before
            // it began at the arrival here, or when the source sent this copy.
            const Time tx_start = p.hop_mark;
            Time queued = p.sent;
            if (const auto it = arrived_.find(here); it != arrived_.end()) {
                queued = it->second;
                arrived_.erase(it);
            }
            const std::string args = ",\"args\":" + packet_args(spec_, p);
            if (queued < tx_start) {
                Lanes& q = port_lanes(at, next, true);
                slice(at, lane_for(at, q, queued, tx_start), packet_name(p), "queue", queued,
                      tx_start, args);
            }
            Lanes& tx = port_lanes(at, next, false);
            const bool first_hop = at == p.src;
            std::string flow = ",\"bind_id\":" + std::to_string(copy) + ",\"flow_out\":true";
            if (!first_hop) flow += ",\"flow_in\":true";
            slice(at, lane_for(at, tx, tx_start, t), packet_name(p), "tx", tx_start, t,
                  args + flow);
            return;
        }
        case What::Arrived:
            if (p.dst == at) {
                slice(at, lane_for(at, receive_lanes_[at], t, t), packet_name(p), "receive", t, t,
                      ",\"args\":" + packet_args(spec_, p) +
                          ",\"bind_id\":" + std::to_string(copy) + ",\"flow_in\":true");
            } else {
                arrived_[here] = t;
            }
            return;
        case What::DroppedQueueFull:
        case What::DroppedLinkDown:
            arrived_.erase(here);
            return;
        case What::Lost:
        case What::Delivered:
            return;
    }
}

void ChromeTrace::finish(const model::RunResult& r) {
    using model::Stage;
    struct Piece {
        net::NodeIndex node;
        Time start, end;
        std::string name;
        std::uint32_t message;
    };
    std::vector<Piece> pieces;
    const auto& msgs = r.journal.messages();
    for (std::uint32_t id = 0; id < msgs.size(); ++id) {
        const model::MessageRecord& m = msgs[id];
        const std::string tag = " m" + std::to_string(id);
        auto add = [&](net::NodeIndex node, Time start, Duration d, const char* what) {
            if (d > Duration{0}) pieces.push_back({node, start, start + d, what + tag, id});
        };
        // Sender processing runs from the moment the user sends.
        Time t = m.sent_at;
        for (Stage s : {Stage::Encode, Stage::Compress, Stage::Encrypt}) {
            add(m.sender, t, m.uplink[s], std::string(model::stage_name(s)).c_str());
            t += m.uplink[s];
        }
        // The uplink stages partition the time from sending to the end of service.
        if (m.at_server && m.server != net::kNoNode) {
            const Time served = m.sent_at + m.uplink.total();
            add(m.server, served - m.uplink[Stage::Server], m.uplink[Stage::Server],
                "server wait + service");
        }
        for (const model::Delivery& d : m.deliveries) {
            if (!d.received) continue;
            add(d.device, d.delivered_at - d.stages[Stage::Decrypt], d.stages[Stage::Decrypt],
                "decrypt");
            if (d.done) {
                if (d.displayed_at > kTimeZero)
                    add(d.device, d.delivered_at, d.displayed_at - d.delivered_at, "display");
                add(d.device, d.done_at - d.stages[Stage::Notify], d.stages[Stage::Notify],
                    "notify");
            }
        }
    }
    std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
        return std::tie(a.node, a.start, a.end, a.message) <
               std::tie(b.node, b.start, b.end, b.message);
    });
    std::vector<Lanes> processing(spec_.nodes.size());
    for (auto& l : processing)
        l.name = "processing";
    for (const Piece& p : pieces) {
        slice(p.node, lane_for(p.node, processing[p.node], p.start, p.end), p.name, "processing",
              p.start, p.end, ",\"args\":{\"message\":" + std::to_string(p.message) + "}");
    }
    out_.line("]}");
    out_.close();
}

}  // namespace sim::io
