#include "sim/io/packet_trace.hpp"

#include <nlohmann/json.hpp>

#include "sim/io/json_file.hpp"
#include "sim/model/node.hpp"

namespace sim::io {

JsonLinesWriter::JsonLinesWriter(std::filesystem::path path) : path_(std::move(path)) {
    tmp_ = path_;
    tmp_ += ".partial";
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (!f_) throw OutputError("cannot write " + tmp_.string());
}

JsonLinesWriter::~JsonLinesWriter() {
    if (f_) std::fclose(f_);  // not closed: the run failed; leave only the .partial file
}

void JsonLinesWriter::line(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), f_);
    std::fputc('\n', f_);
}

void JsonLinesWriter::close() {
    if (!f_) return;
    const bool ok = std::fflush(f_) == 0 && !std::ferror(f_);
    std::fclose(f_);
    f_ = nullptr;
    if (!ok) throw OutputError("error while writing " + tmp_.string());
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) throw OutputError("cannot rename " + tmp_.string() + ": " + ec.message());
}

namespace {
const char* what_name(model::PacketObserver::What w) {
    using W = model::PacketObserver::What;
    switch (w) {
        case W::Sent:
            return "sent";
        case W::Arrived:
            return "arrived";
        case W::Lost:
            return "lost";
        case W::DroppedQueueFull:
            return "dropped_queue_full";
        case W::DroppedLinkDown:
            return "dropped_link_down";
        case W::Delivered:
            return "delivered";
    }
    return "?";
}
}  // namespace

PacketTrace::PacketTrace(const model::ModelSpec& spec, std::filesystem::path path)
    : spec_(spec), out_(std::move(path)) {}

void PacketTrace::on_packet(Time t, What what, net::NodeIndex at, net::NodeIndex next,
                            const model::Packet& p) {
    nlohmann::ordered_json j = {{"t_ns", t.time_since_epoch().count()},
                                {"what", what_name(what)},
                                {"at", spec_.nodes[at].id},
                                {"kind", model::packet_kind_name(p.kind)},
                                {"message", p.message},
                                {"seq", p.seq},
                                {"count", p.count},
                                {"copy", p.copy},
                                {"bytes", p.bytes},
                                {"src", spec_.nodes[p.src].id},
                                {"dst", spec_.nodes[p.dst].id}};
    if (next != net::kNoNode) j["next"] = spec_.nodes[next].id;
    // A "sent" line is written when transmission ends; it started at hop_mark.
    if (what == What::Sent) j["tx_start_ns"] = p.hop_mark.time_since_epoch().count();
    out_.line(j.dump());
}

EventTrace::EventTrace(const model::ModelSpec& spec, std::filesystem::path path)
    : spec_(spec), out_(std::move(path)) {}

void EventTrace::on_event(const Event& e) {
    nlohmann::ordered_json j = {{"t_ns", e.when.time_since_epoch().count()},
                                {"entity", spec_.nodes[e.dst].id},
                                {"kind", model::event_name(e.kind)},
                                {"from", spec_.nodes[e.src].id},
                                {"seq", e.seq},
                                {"slot", e.slot},
                                {"payload", e.payload}};
    out_.line(j.dump());
}

}  // namespace sim::io
