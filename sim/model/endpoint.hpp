// Endpoint: a node that runs the reliable transport (phones and servers). A message is
// cut into packets (MTU, header); each packet is acknowledged by the receiver and resent
// after a retransmission timeout with exponential backoff. The receiver reassembles
// packets in any order, acknowledges duplicates again, and hands each complete message up
// once, with the packet that completed it (the critical path for stage attribution).
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/model/node.hpp"

namespace sim::model {

class Endpoint : public Node {
public:
    using Node::Node;

protected:
    /// Starts sending `message` (wire_bytes of payload) to `peer`, at most `window` packets
    /// in flight. `leg_start` is when the message was first handed to the transport: on a
    /// retry after a refusal it lies in the past, and the time since counts as lost to
    /// retransmission. `generation` tells attempts apart so stale packets are ignored.
    void start_transfer(std::uint32_t message, NodeIndex peer, std::uint8_t leg,
                        std::uint64_t wire_bytes, Time leg_start, std::uint32_t generation);
    /// Adds the critical packet's journey to `stages`: resends, window wait, hops, and the
    /// rest of the leg as reassembly wait. The leg ends now.
    void attribute_leg(const Packet& p, Stages& stages) const;
    /// Stops a transfer and cancels its timers. Returns false if there was none.
    bool abort_transfer(std::uint32_t message, NodeIndex peer);
    /// Sends a one-packet control message (busy) about `message` to `peer`, echoing the
    /// generation and leg start of the upload it answers.
    void send_control(Packet::Kind kind, std::uint32_t message, NodeIndex peer,
                      std::uint32_t generation, Time leg_start);
    /// Forgets a partly or fully received message from `src`, so a new attempt is accepted.
    void forget_received(std::uint32_t message, NodeIndex src);

    /// A transfer stopped by a crash (abort_all_transfers) or a message this endpoint had
    /// only partly received when it forgot everything (forget_all_received).
    struct Interrupted {
        std::uint32_t message = 0;
        NodeIndex peer = net::kNoNode;
        std::uint32_t generation = 0;
        Time leg_start{};
        friend bool operator<(const Interrupted& a, const Interrupted& b) {
            return std::pair{a.message, a.peer} < std::pair{b.message, b.peer};
        }
    };
    /// Stops every outgoing transfer (a crash); sorted by (message, peer).
    std::vector<Interrupted> abort_all_transfers();
    /// Forgets every message being received (a crash); returns the incomplete ones, sorted.
    std::vector<Interrupted> forget_all_received();

    /// When this endpoint may next send to `peer`: now, a later instant (wait), or
    /// kTimeMax (the peer is unreachable: on_peer_unreachable is called).
    virtual Time sendable_at(NodeIndex peer);
    virtual void on_peer_unreachable(std::uint32_t message, NodeIndex peer, Time leg_start);
    /// A whole message arrived; `pid` is the packet that completed it (still valid).
    virtual void on_message(std::uint32_t pid) = 0;
    /// A control packet (busy) arrived; `pid` is valid during the call.
    virtual void on_control(std::uint32_t pid);
    /// Every packet of `message` to `peer` has been acknowledged.
    virtual void on_transfer_acked(std::uint32_t message, NodeIndex peer);
    /// Counts one resend of `message` toward `peer` (for the journal).
    virtual void on_retransmission(std::uint32_t message, NodeIndex peer) = 0;

    void receive(std::uint32_t pid) override;
    void on_model_event(const Event& e) override;

private:
    struct Segment {
        std::uint32_t bytes = 0;
        std::uint32_t copies = 0;
        bool acked = false;
        Time first_sent{};
        TimerHandle timer;
    };
    struct Transfer {
        std::uint32_t message = 0;
        NodeIndex peer = net::kNoNode;
        std::uint8_t leg = 0;
        std::uint32_t generation = 0;
        Time leg_start{};
        std::uint32_t unacked = 0;
        std::uint32_t next_unsent = 0;
        bool retry = false;
        std::vector<Segment> segments;
    };
    struct Assembly {
        std::uint32_t generation = 0;
        std::uint32_t received = 0;
        std::vector<char> got;
    };
    static std::uint64_t key(std::uint32_t message, NodeIndex peer) {
        return (std::uint64_t{message} << 32) | peer;
    }
    /// Sends (or schedules) one segment; false if that aborted the transfer.
    bool send_segment(std::uint32_t slot, std::uint32_t seq);
    void on_rto(std::uint32_t slot, std::uint32_t seq);
    void on_data(std::uint32_t pid);
    void on_ack(std::uint32_t pid);
    void finish_transfer(std::uint32_t slot);
    Duration rto_for(std::uint32_t copies) const;

    /// Transfers and reassemblies, allocated on first use: most of a million phones never
    /// send or receive in a run, and an empty set of containers is 160 bytes.
    struct State {
        std::vector<Transfer> transfers;
        std::vector<std::uint32_t> free_transfers;
        std::unordered_map<std::uint64_t, std::uint32_t> transfer_of;
        std::unordered_map<std::uint64_t, Assembly> assemblies;
    };
    State& st() {
        if (!state_) state_ = std::make_unique<State>();
        return *state_;
    }
    std::unique_ptr<State> state_;
};

}  // namespace sim::model
