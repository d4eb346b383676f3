// --pcap NODE | FROM-TO: classic libpcap files of the packets seen at a node or on a link,
// with synthetic IPv4/UDP headers, so a run can be opened in Wireshark or read by tshark.
//
// Format: nanosecond pcap (magic 0xa1b23c4d), LINKTYPE_RAW (101: each record is an IPv4
// packet). Timestamps are simulated time since 0. Addresses: node index i is 10.x.y.z with
// x.y.z = i + 1 written base 256 (the first node is 10.0.0.1). IP source and destination are
// the packet's transport endpoints (as on a real network); UDP ports both name the packet
// kind (kPortData and the next ones). The payload carries msgsim's fields (kPayloadBytes,
// big-endian, see PcapExport::record). The IP total length and the record's original length are the
// simulated size on the wire, so Wireshark shows true sizes; only our headers and fields are
// captured (caplen < len). A packet simulated smaller than those is shown at their size.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/model/spec.hpp"
#include "sim/model/world.hpp"

namespace sim::io {

/// A --pcap argument that names no node and no link (exit code 2).
class PcapTargetError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

inline constexpr std::uint16_t kPortData = 5300;  ///< + 0 data, 1 ack, 2 busy, 3 datagram
inline constexpr std::size_t kIpUdpHeaderBytes = 28;
inline constexpr std::size_t kPayloadBytes = 32;

/// The synthetic IPv4 address of node `index`, as four bytes.
std::array<std::uint8_t, 4> node_address(net::NodeIndex index);
/// The IPv4 header checksum (RFC 791: one's complement of the one's-complement sum).
std::uint16_t ipv4_checksum(const std::uint8_t* header, std::size_t length);

/// Streams the requested captures as the run goes; files are renamed into place by close().
class PcapExport final : public model::PacketObserver {
public:
    /// `targets`: node ids, or links as FROM-TO (either order; both directions captured).
    /// Throws PcapTargetError for a name that is neither.
    PcapExport(const model::ModelSpec& spec, const std::filesystem::path& dir,
               const std::vector<std::string>& targets);
    ~PcapExport() override;
    void on_packet(Time t, What what, net::NodeIndex at, net::NodeIndex next,
                   const model::Packet& p) override;
    /// Finishes every file; also writes DIR/pcap/hosts (address and node id per line).
    void close();

private:
    struct Capture;
    /// Adds a record stamped `t`, reported at `now`, and writes what can no longer be
    /// preceded by a later report.
    void record(Capture& c, Time t, Time now, const model::Packet& p);
    /// Writes the held records stamped at or before `until_ns`, in time order.
    static void flush(Capture& c, std::int64_t until_ns);
    const model::ModelSpec& spec_;
    std::uint64_t world_mtu_;
    std::filesystem::path dir_;
    std::vector<std::unique_ptr<Capture>> captures_;
    std::vector<std::vector<Capture*>> node_captures_;                             ///< by node
    std::vector<std::vector<std::pair<net::NodeIndex, Capture*>>> link_captures_;  ///< by node
};

}  // namespace sim::io
