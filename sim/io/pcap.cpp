#include "sim/io/pcap.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <tuple>

#include "sim/io/json_file.hpp"

namespace sim::io {

namespace {

constexpr std::uint32_t kMagicNanoseconds = 0xa1b23c4d;
constexpr std::uint32_t kLinkTypeRaw = 101;
constexpr std::uint8_t kTtl = 64;

void put16(std::uint8_t* p, std::uint16_t v) {  // network order
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
    put16(p, static_cast<std::uint16_t>(v >> 16));
    put16(p + 2, static_cast<std::uint16_t>(v));
}
void put32_le(std::uint8_t* p, std::uint32_t v) {  // pcap's own headers: little-endian
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::string file_name(const std::string& s) {
    std::string out;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        out += ok ? c : '_';
    }
    return out;
}

}  // namespace

std::array<std::uint8_t, 4> node_address(net::NodeIndex index) {
    const std::uint32_t n = index + 1;
    return {10, static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
            static_cast<std::uint8_t>(n)};
}

std::uint16_t ipv4_checksum(const std::uint8_t* header, std::size_t length) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < length; i += 2)
        sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

struct PcapExport::Capture {
    static constexpr std::size_t kRecordBytes = 16 + kIpUdpHeaderBytes + kPayloadBytes;
    struct Pending {
        std::int64_t ns;
        std::uint64_t seq;  ///< equal times keep the order they came in
        std::array<std::uint8_t, kRecordBytes> bytes;
        bool operator>(const Pending& o) const { return std::tie(ns, seq) > std::tie(o.ns, o.seq); }
    };
    std::string name;
    std::filesystem::path path, tmp;
    std::FILE* f = nullptr;
    std::uint16_t ip_id = 0;
    // A transmission is reported when it ends but stamped when it began, so records come
    // out of time order by up to one transmission time: they wait in a small heap until no
    // later report can be stamped earlier (now minus the longest transmission possible on
    // the captured ports, from the slowest port and the largest packet seen).
    std::uint64_t min_bps = UINT64_MAX;
    std::uint64_t max_bytes = 0;
    Duration horizon{0};
    std::vector<Pending> heap;
    std::uint64_t seq = 0;
    std::int64_t written_ns = 0;
    void add_port(std::uint64_t bps) { min_bps = std::min(min_bps, bps); }
};

PcapExport::PcapExport(const model::ModelSpec& spec, const std::filesystem::path& dir,
                       const std::vector<std::string>& targets)
    : spec_(spec),
      world_mtu_(spec.protocol.mtu),
      dir_(dir / "pcap"),
      node_captures_(spec.nodes.size()),
      link_captures_(spec.nodes.size()) {
    auto node_named = [&](const std::string& id) -> std::optional<net::NodeIndex> {
        for (net::NodeIndex i = 0; i < spec.nodes.size(); ++i) {
            if (spec.nodes[i].id == id) return i;
        }
        return std::nullopt;
    };
    auto link_between = [&](net::NodeIndex a, net::NodeIndex b) -> const net::LinkSpec* {
        for (const net::LinkSpec& l : spec.links) {
            if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return &l;
        }
        return nullptr;
    };
    std::vector<std::pair<std::string, std::function<void(Capture*)>>> wanted;
    for (const std::string& t : targets) {
        if (const auto n = node_named(t)) {
            wanted.emplace_back(t, [this, n, &spec](Capture* c) {
                node_captures_[*n].push_back(c);
                for (const net::LinkSpec& l : spec.links) {
                    if (l.a == *n || l.b == *n) c->add_port(l.bandwidth_bps);
                }
            });
            continue;
        }
        // Node ids may contain '-': try every split FROM-TO that names two linked nodes.
        std::vector<std::pair<net::NodeIndex, net::NodeIndex>> splits;
        for (std::size_t i = t.find('-'); i != std::string::npos; i = t.find('-', i + 1)) {
            const auto a = node_named(t.substr(0, i));
            const auto b = node_named(t.substr(i + 1));
            if (a && b && link_between(*a, *b)) splits.emplace_back(*a, *b);
        }
        if (splits.empty()) {
            throw PcapTargetError("--pcap " + t +
                                  ": no node has this id and no link FROM-TO joins two nodes "
                                  "of that name in scenario " +
                                  spec.name);
        }
        if (splits.size() > 1) {
            throw PcapTargetError("--pcap " + t + ": ambiguous, it names more than one link");
        }
        const auto [a, b] = splits.front();
        const std::uint64_t bps = link_between(a, b)->bandwidth_bps;
        wanted.emplace_back(t, [this, a, b, bps](Capture* c) {
            link_captures_[a].emplace_back(b, c);
            link_captures_[b].emplace_back(a, c);
            c->add_port(bps);
        });
    }
    std::error_code ec;
    if (!wanted.empty()) std::filesystem::create_directories(dir_, ec);
    if (ec) throw OutputError("cannot create " + dir_.string() + ": " + ec.message());
    for (auto& [name, attach] : wanted) {
        auto c = std::make_unique<Capture>();
        c->name = name;
        c->path = dir_ / (file_name(name) + ".pcap");
        c->tmp = c->path;
        c->tmp += ".partial";
        c->f = std::fopen(c->tmp.c_str(), "wb");
        if (!c->f) throw OutputError("cannot write " + c->tmp.string());
        std::uint8_t header[24] = {};
        put32_le(header, kMagicNanoseconds);
        header[4] = 2;  // version 2.4
        header[6] = 4;
        put32_le(header + 16, 65535);  // snaplen
        put32_le(header + 20, kLinkTypeRaw);
        std::fwrite(header, 1, sizeof header, c->f);
        attach(c.get());
        captures_.push_back(std::move(c));
    }
}

PcapExport::~PcapExport() {
    for (auto& c : captures_) {
        if (c->f) std::fclose(c->f);  // not closed: the run failed; only .partial files remain
    }
}

void PcapExport::on_packet(Time t, What what, net::NodeIndex at, net::NodeIndex next,
                           const model::Packet& p) {
    if (what == What::Sent) {
        // On the wire from the start of its transmission, as a capture at the sender sees it.
        for (Capture* c : node_captures_[at])
            record(*c, p.hop_mark, t, p);
        for (const auto& [peer, c] : link_captures_[at]) {
            if (peer == next) record(*c, p.hop_mark, t, p);
        }
    } else if (what == What::Arrived) {
        for (Capture* c : node_captures_[at])
            record(*c, t, t, p);
    }
}

void PcapExport::flush(Capture& c, std::int64_t until_ns) {
    while (!c.heap.empty() && c.heap.front().ns <= until_ns) {
        std::pop_heap(c.heap.begin(), c.heap.end(), std::greater<>{});
        const Capture::Pending& r = c.heap.back();
        c.written_ns = std::max(c.written_ns, r.ns);
        std::fwrite(r.bytes.data(), 1, r.bytes.size(), c.f);
        c.heap.pop_back();
    }
}

void PcapExport::record(Capture& c, Time t, Time now, const model::Packet& p) {
    Capture::Pending pending{t.time_since_epoch().count(), c.seq++, {}};
    std::uint8_t* buf = pending.bytes.data();
    constexpr std::size_t captured = kIpUdpHeaderBytes + kPayloadBytes;
    const std::uint32_t wire = std::max<std::uint32_t>(p.bytes, captured);
    const auto ns = static_cast<std::uint64_t>(t.time_since_epoch().count());
    put32_le(buf, static_cast<std::uint32_t>(ns / 1000000000));
    put32_le(buf + 4, static_cast<std::uint32_t>(ns % 1000000000));
    put32_le(buf + 8, captured);
    put32_le(buf + 12, wire);
    // IPv4 header (RFC 791), 20 bytes, no options.
    std::uint8_t* ip = buf + 16;
    ip[0] = 0x45;
    put16(ip + 2, static_cast<std::uint16_t>(std::min<std::uint32_t>(wire, 65535)));
    put16(ip + 4, c.ip_id++);
    const std::size_t hops = p.path.empty() ? 0 : p.path.size() - 1;
    ip[8] = static_cast<std::uint8_t>(hops < kTtl ? kTtl - hops : 1);
    ip[9] = 17;  // UDP
    const auto src = node_address(p.src);
    const auto dst = node_address(p.dst);
    std::copy(src.begin(), src.end(), ip + 12);
    std::copy(dst.begin(), dst.end(), ip + 16);
    put16(ip + 10, ipv4_checksum(ip, 20));
    // UDP header: both ports name the packet kind; checksum 0 (none, allowed over IPv4).
    std::uint8_t* udp = ip + 20;
    const auto port = static_cast<std::uint16_t>(kPortData + static_cast<unsigned>(p.kind));
    put16(udp, port);
    put16(udp + 2, port);
    put16(udp + 4, static_cast<std::uint16_t>(std::min<std::uint32_t>(wire - 20, 65535)));
    // msgsim's fields: "MS", version 1, kind, leg, one reserved byte, copy (16 bits, capped),
    // then message, seq, count, simulated bytes, sender and recipient node indices as 32-bit
    // integers; all big-endian.
    std::uint8_t* m = udp + 8;
    m[0] = 'M';
    m[1] = 'S';
    m[2] = 1;
    m[3] = static_cast<std::uint8_t>(p.kind);
    m[4] = p.leg;
    put16(m + 6, static_cast<std::uint16_t>(std::min<std::uint32_t>(p.copy, 65535)));
    put32(m + 8, p.message);
    put32(m + 12, p.seq);
    put32(m + 16, p.count);
    put32(m + 20, p.bytes);
    put32(m + 24, p.src);
    put32(m + 28, p.dst);
    if (p.bytes > c.max_bytes) {
        c.max_bytes = std::max<std::uint64_t>(p.bytes, world_mtu_);
        c.horizon = transmission_time(c.max_bytes, c.min_bps);
    }
    if (pending.ns < c.written_ns) {
        // Later than the horizon allowed (a packet larger than any before): written now, out
        // of order, rather than held without bound.
        std::fwrite(pending.bytes.data(), 1, pending.bytes.size(), c.f);
    } else {
        c.heap.push_back(pending);
        std::push_heap(c.heap.begin(), c.heap.end(), std::greater<>{});
    }
    flush(c, (now - c.horizon).time_since_epoch().count());
}

void PcapExport::close() {
    for (auto& c : captures_) {
        if (!c->f) continue;
        flush(*c, INT64_MAX);
        const bool ok = std::fflush(c->f) == 0 && !std::ferror(c->f);
        std::fclose(c->f);
        c->f = nullptr;
        if (!ok) throw OutputError("error while writing " + c->tmp.string());
        std::error_code ec;
        std::filesystem::rename(c->tmp, c->path, ec);
        if (ec) throw OutputError("cannot rename " + c->tmp.string() + ": " + ec.message());
    }
    if (captures_.empty()) return;
    // /etc/hosts format: Wireshark shows node ids with this file as its hosts file.
    write_file_atomic(dir_ / "hosts", [&](std::ostream& os) {
        for (net::NodeIndex i = 0; i < spec_.nodes.size(); ++i) {
            const auto a = node_address(i);
            os << int{a[0]} << '.' << int{a[1]} << '.' << int{a[2]} << '.' << int{a[3]} << '\t'
               << spec_.nodes[i].id << '\n';
        }
    });
}

}  // namespace sim::io
