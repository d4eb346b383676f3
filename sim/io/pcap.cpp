#include "sim/io/pcap.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>

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
    std::string name;
    std::filesystem::path path, tmp;
    std::FILE* f = nullptr;
    std::uint16_t ip_id = 0;
};

PcapExport::PcapExport(const model::ModelSpec& spec, const std::filesystem::path& dir,
                       const std::vector<std::string>& targets)
    : spec_(spec),
      dir_(dir / "pcap"),
      node_captures_(spec.nodes.size()),
      link_captures_(spec.nodes.size()) {
    auto node_named = [&](const std::string& id) -> std::optional<net::NodeIndex> {
        for (net::NodeIndex i = 0; i < spec.nodes.size(); ++i) {
            if (spec.nodes[i].id == id) return i;
        }
        return std::nullopt;
    };
    auto linked = [&](net::NodeIndex a, net::NodeIndex b) {
        for (const net::LinkSpec& l : spec.links) {
            if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return true;
        }
        return false;
    };
    std::vector<std::pair<std::string, std::function<void(Capture*)>>> wanted;
    for (const std::string& t : targets) {
        if (const auto n = node_named(t)) {
            wanted.emplace_back(t, [this, n](Capture* c) { node_captures_[*n].push_back(c); });
            continue;
        }
        // Node ids may contain '-': try every split FROM-TO that names two linked nodes.
        std::vector<std::pair<net::NodeIndex, net::NodeIndex>> splits;
        for (std::size_t i = t.find('-'); i != std::string::npos; i = t.find('-', i + 1)) {
            const auto a = node_named(t.substr(0, i));
            const auto b = node_named(t.substr(i + 1));
            if (a && b && linked(*a, *b)) splits.emplace_back(*a, *b);
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
        wanted.emplace_back(t, [this, a, b](Capture* c) {
            link_captures_[a].emplace_back(b, c);
            link_captures_[b].emplace_back(a, c);
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
            record(*c, p.hop_mark, p);
        for (const auto& [peer, c] : link_captures_[at]) {
            if (peer == next) record(*c, p.hop_mark, p);
        }
    } else if (what == What::Arrived) {
        for (Capture* c : node_captures_[at])
            record(*c, t, p);
    }
}

void PcapExport::record(Capture& c, Time t, const model::Packet& p) {
    std::uint8_t buf[16 + kIpUdpHeaderBytes + kPayloadBytes] = {};
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
    // msgsim's fields: "MS", version 1, kind, leg, 3 reserved bytes, then message, seq,
    // count, copy, simulated bytes and generation as 32-bit big-endian integers.
    std::uint8_t* m = udp + 8;
    m[0] = 'M';
    m[1] = 'S';
    m[2] = 1;
    m[3] = static_cast<std::uint8_t>(p.kind);
    m[4] = p.leg;
    put32(m + 8, p.message);
    put32(m + 12, p.seq);
    put32(m + 16, p.count);
    put32(m + 20, p.copy);
    put32(m + 24, p.bytes);
    put32(m + 28, p.generation);
    std::fwrite(buf, 1, sizeof buf, c.f);
}

void PcapExport::close() {
    for (auto& c : captures_) {
        if (!c->f) continue;
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
