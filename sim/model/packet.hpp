// A packet is a small value: ids, sizes, sequence numbers and the times needed to
// attribute its journey to stages. Message bodies are never stored, only sized.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/check.hpp"
#include "sim/core/time.hpp"
#include "sim/net/spec.hpp"

namespace sim::model {

using net::NodeIndex;

struct Packet {
    enum class Kind : std::uint8_t { Data, Ack, Busy, Datagram };
    Kind kind = Kind::Data;
    std::uint8_t leg = 0;        ///< 0: sender device -> server, 1: server -> recipient device
    bool hop_is_access = false;  ///< the current hop touches a phone
    /// Where dst hangs off the network, looked up by the first router the packet crosses
    /// (Node::transmit), so that the routers after it need not read three per-node arrays
    /// (cache misses in a large population): unknown, a phone (dst_router and
    /// dst_router_port are its access router and that router's port toward it), or not.
    enum class DstKind : std::uint8_t { Unknown, Phone, Other };
    DstKind dst_kind = DstKind::Unknown;
    NodeIndex src = net::kNoNode;  ///< transport endpoints
    NodeIndex dst = net::kNoNode;
    NodeIndex dst_router = net::kNoNode;
    std::uint32_t dst_router_port = 0;
    std::uint32_t message = 0;  ///< journal index
    std::uint32_t seq = 0;      ///< 0 .. count - 1
    std::uint32_t count = 1;
    std::uint32_t bytes = 0;       ///< on the wire, header included
    std::uint32_t copy = 0;        ///< 0 for the first transmission of this seq
    std::uint32_t generation = 0;  ///< sender's transfer attempt; older ones are stale
    Time leg_start{};              ///< when the message was handed to the transport
    Time first_sent{};             ///< first copy of this seq; earlier it waited for the window
    Time sent{};                   ///< this copy; sent - first_sent is time lost to resends
    Time hop_mark{};               ///< offered to the current port, then its tx start
    Duration access{0}, queueing{0}, network{0};  ///< this copy's hop times so far
    std::vector<NodeIndex> path;                  ///< nodes visited, source first
};

/// The name of a packet kind in traces and exports: "data", "ack", "busy", "datagram".
inline const char* packet_kind_name(Packet::Kind k) {
    switch (k) {
        case Packet::Kind::Data:
            return "data";
        case Packet::Kind::Ack:
            return "ack";
        case Packet::Kind::Busy:
            return "busy";
        case Packet::Kind::Datagram:
            return "datagram";
    }
    return "?";
}

/// Packets live here and travel as 32-bit indices. Released slots are reused with their
/// path capacity, so a run in steady state allocates nothing per packet.
class PacketPool {
public:
    std::uint32_t make() {
        std::uint32_t i;
        if (!free_.empty()) {
            i = free_.back();
            free_.pop_back();
            std::vector<NodeIndex> path = std::move(packets_[i].path);
            path.clear();
            packets_[i] = Packet{};
            packets_[i].path = std::move(path);
        } else {
            i = static_cast<std::uint32_t>(packets_.size());
            packets_.emplace_back();
            live_flag_.push_back(0);
        }
        live_flag_[i] = 1;
        ++live_;
        return i;
    }
    Packet& operator[](std::uint32_t i) { return packets_[i]; }
    void release(std::uint32_t i) {
        MSGSIM_CHECK(live_flag_[i], "packet released twice");
        live_flag_[i] = 0;
        --live_;
        free_.push_back(i);
    }
    std::size_t live() const { return live_; }

private:
    std::vector<Packet> packets_;
    std::vector<char> live_flag_;
    std::vector<std::uint32_t> free_;
    std::size_t live_ = 0;
};

}  // namespace sim::model
