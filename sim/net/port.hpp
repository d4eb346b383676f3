// Port: one direction of a full-duplex link, owned by the node that sends on it. It holds
// the drop-tail queue, the transmitter and the loss model. It knows nothing of messages:
// it moves opaque packet ids and sizes, and its owner schedules the events it asks for.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/check.hpp"
#include "sim/core/ring.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/time.hpp"
#include "sim/net/spec.hpp"

namespace sim::net {

/// Per-direction counters for summary.json.
struct PortStats {
    std::uint64_t packets_sent = 0;  ///< transmissions completed (lost ones included)
    std::uint64_t bytes_sent = 0;
    Duration busy{0};         ///< time the transmitter was busy
    std::uint64_t waits = 0;  ///< packets that started transmission
    Duration total_wait{0};   ///< their summed wait in the queue
    std::uint64_t max_queue_bytes = 0;
    std::uint64_t drops_queue_full = 0;
    std::uint64_t drops_red = 0;  ///< early drops by RED
    std::uint64_t drops_loss = 0;
    std::uint64_t drops_link_down = 0;

    /// Adds another direction's counts (max_queue_bytes: the larger).
    PortStats& operator+=(const PortStats& o) {
        packets_sent += o.packets_sent;
        bytes_sent += o.bytes_sent;
        busy += o.busy;
        waits += o.waits;
        total_wait += o.total_wait;
        max_queue_bytes = std::max(max_queue_bytes, o.max_queue_bytes);
        drops_queue_full += o.drops_queue_full;
        drops_red += o.drops_red;
        drops_loss += o.drops_loss;
        drops_link_down += o.drops_link_down;
        return *this;
    }
};

/// Queue occupancy invariant, checked after every change (MSGSIM_CHECK: exit 1 naming it):
/// a queue never holds more than its capacity in its own unit (bytes or packets), and its
/// byte count is never "negative" (an unsigned count that wrapped shows up as more bytes than
/// the capacity, or as bytes in an empty queue). Two compares on the hot path.
inline void check_queue_occupancy(const QueueSpec& spec, std::uint64_t bytes, std::size_t packets) {
    const std::uint64_t held = spec.unit == QueueSpec::Unit::Packets ? packets : bytes;
    MSGSIM_CHECK(held <= spec.capacity && (packets > 0 || bytes == 0),
                 "link queue occupancy out of range: " + std::to_string(packets) + " packets, " +
                     std::to_string(bytes) + " bytes, capacity " + std::to_string(spec.capacity) +
                     (spec.unit == QueueSpec::Unit::Packets ? " packets" : " bytes"));
}

/// The byte count of a queue after `bytes` leave it; never below zero.
inline std::uint64_t bytes_after_dequeue(std::uint64_t queued, std::uint32_t bytes) {
    MSGSIM_CHECK(bytes <= queued,
                 "link queue byte count would go negative: " + std::to_string(queued) +
                     " bytes queued, " + std::to_string(bytes) + " leaving");
    return queued - bytes;
}

/// Laid out for the per-packet path (offer, finish, and the owner reading peer, latency,
/// epoch): a large population has a million ports that are each touched once in a while,
/// so every cache line a packet touches is a miss. The first line holds what every packet
/// reads; the second the queue and the counters every packet bumps; the third and fourth
/// what only queued, early-dropped or lost packets need. Aligned to the 128-byte pairs of
/// lines that the L2 spatial prefetcher fetches together, the first two come as one.
class alignas(128) Port {
public:
    struct Queued {
        std::uint32_t packet;
        std::uint32_t bytes;
        Time enqueued;
    };
    enum class Admit : std::uint8_t { StartNow, Queued, DroppedFull, DroppedEarly, DroppedDown };

    /// `spec` (queue, RED and loss parameters) must outlive the port: a port keeps a pointer
    /// to it rather than a copy, so a million access links cost a million fewer copies.
    Port(const LinkSpec& spec, NodeIndex peer, Rng loss_rng);
    Port(LinkSpec&&, NodeIndex, Rng) = delete;

    NodeIndex peer() const { return peer_; }
    /// The index of the reverse direction's port at the peer (set by the model's builder).
    std::uint32_t reverse() const { return reverse_; }
    void set_reverse(std::uint32_t r) { reverse_ = r; }
    Duration latency() const { return latency_; }
    std::uint64_t bandwidth_bps() const { return bandwidth_bps_; }
    bool up() const { return up_; }
    bool busy() const { return busy_; }
    const PortStats& stats() const { return stats_; }
    std::uint64_t queued_bytes() const { return queued_bytes_; }
    std::size_t queued_packets() const { return queue_.size(); }
    /// Time the transmitter has been busy up to `now`, the transmission in progress included.
    Duration busy_until(Time now) const {
        return stats_.busy + (busy_ ? now - tx_started_ : Duration{0});
    }

    /// Offers a packet. On StartNow the caller schedules the end of transmission after
    /// transmission_time(bytes); on Queued it waits; on Dropped* the packet is the
    /// caller's to discard (the drop is already counted).
    Admit offer(std::uint32_t packet, std::uint32_t bytes, Time now);

    /// The packet being transmitted (valid while busy()).
    const Queued& in_flight() const { return in_flight_; }
    /// Duration of the current transmission.
    Duration tx_time(std::uint32_t bytes) const { return transmission_time(bytes, bandwidth_bps_); }

    /// Ends the current transmission. Returns the packet and whether it survives the
    /// channel (false: lost, already counted). If another packet starts, `next` is set
    /// and the caller schedules its end of transmission.
    struct Finished {
        Queued packet;
        bool delivered;
        std::optional<Queued> next;
    };
    Finished finish(Time now);

    /// Takes the link direction down: every queued packet and the one in flight are
    /// returned for the caller to discard (counted as link_down drops).
    std::vector<Queued> go_down();
    void go_up() { up_ = true; }
    /// Bumped by go_down(): an end-of-transmission event carrying an older epoch is stale.
    std::uint32_t epoch() const { return epoch_; }

private:
    bool draw_loss();
    bool red_drops();
    Queued start(Queued q, Time now);

    // Line 1: read by every packet.
    Queued in_flight_{};  ///< valid while busy_
    Time tx_started_{};
    std::uint64_t bandwidth_bps_;
    Duration latency_;
    std::uint64_t queued_bytes_ = 0;
    NodeIndex peer_;
    std::uint32_t reverse_ = 0;
    std::uint32_t epoch_ = 0;
    bool busy_ = false;
    bool up_ = true;
    bool lossy_;  ///< spec_->loss.model != None: finish() draws a loss
    bool red_;    ///< spec_->red.enabled: offer() runs RED on a busy port
    // Line 2: the queue and the counters every packet bumps (PortStats starts with them).
    Ring<Queued> queue_;
    PortStats stats_;
    // Lines 3 and 4: queue limits and loss and RED state, for packets that wait or drop.
    const LinkSpec* spec_;
    double red_avg_ = 0;           ///< EWMA of the queue length at arrivals
    std::int64_t red_count_ = -1;  ///< arrivals since the last early drop (-1: none yet)
    Rng rng_;
    bool ge_bad_ = false;  ///< Gilbert-Elliott state
};

}  // namespace sim::net
