// The journal: what happened to every message, written by the entities as it happens
// (they only append observations; none reads another's). Outputs, `explain` and the
// conservation check read it after the run.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/core/chunked.hpp"
#include "sim/core/event.hpp"
#include "sim/core/time.hpp"
#include "sim/model/spec.hpp"

namespace sim::model {

/// Time spent in each stage of the journey; the stages of a finished delivery sum to its
/// latency exactly (integer nanoseconds).
enum class Stage : std::uint8_t {
    Encode,
    Compress,
    Encrypt,
    Access,
    Queueing,
    Network,
    Retransmit,
    Server,
    OfflineWait,
    Push,  ///< waiting for the push notification to wake the app after reconnecting
    Reassembly,
    Decrypt,
    Display,
    Notify
};
inline constexpr std::size_t kStageCount = 14;
std::string_view stage_name(Stage s);

struct Stages {
    std::array<Duration, kStageCount> d{};
    Duration& operator[](Stage s) { return d[static_cast<std::size_t>(s)]; }
    Duration operator[](Stage s) const { return d[static_cast<std::size_t>(s)]; }
    Duration total() const;
    Stages& operator+=(const Stages& o);
};

/// What a journal entry carries: a user's message, or a receipt about one.
enum class MessageKind : std::uint8_t { User, DeliveryReceipt, ReadReceipt };

/// A receipt as its addressee (the sending device) saw it.
struct ReceiptSeen {
    MessageKind kind = MessageKind::DeliveryReceipt;
    NodeIndex device = net::kNoNode;  ///< the recipient device that had or read the message
    Time seen_at{};
};

struct Delivery {
    enum class Status : std::uint8_t { Pending, Stored, Delivered, Expired, Lost };
    NodeIndex device = net::kNoNode;
    /// Where this (message, device) pair stands; each pair is in exactly one state.
    Status status() const {
        if (done) return Status::Delivered;
        if (received) return Status::Pending;
        if (expired) return Status::Expired;
        if (lost) return Status::Lost;
        if (stored) return Status::Stored;
        return Status::Pending;
    }
    Time delivered_at{};  ///< reassembled and decrypted on the device
    Time displayed_at{};
    Time done_at{};       ///< displayed and notified: the end of the journey
    Duration latency{0};  ///< done_at - sent_at
    Time read_at{};
    bool read = false;
    bool sync = false;            ///< a copy for the sender's other device, not for the recipient
    bool received = false;        ///< the device has reassembled it (written by the device)
    bool done = false;            ///< displayed and notified (written by the device)
    bool stored = false;          ///< in offline storage now (written by the server)
    bool expired = false;         ///< dropped from storage by TTL or capacity (server)
    bool lost = false;            ///< lost in the crash of a non-durable server (server)
    Stages stages;                ///< after the server: complete once done_at is set
    Stages server_side;           ///< server's part after service (failed tries, offline wait)
    std::vector<NodeIndex> path;  ///< downlink path, server first
    /// The server that delivers to this device when it is not the sender's server (set by
    /// the sender's server as it relays): the message crosses the backbone to it. kNoNode
    /// when the sender's server delivers.
    NodeIndex relay_server = net::kNoNode;
    bool relay_committed = false;       ///< relay_server has processed it (written by it)
    Stages relay;                       ///< backbone leg and relay_server's processing
    std::vector<NodeIndex> relay_path;  ///< backbone path, sender's server first
    std::uint32_t retransmissions = 0;  ///< downlink
    Duration stored_for{0};             ///< total time in offline storage
    Time stored_since{};                ///< while stored
};

/// Ends a (message, device) journey (displayed and notified) at `now`. A device hands each
/// message to its user once: ending it twice means a message, or a packet of it, reached the
/// application twice, and is an invariant violation (exit 1).
void finish_delivery(Delivery& d, std::uint32_t message, Time now);

/// Identity of a message independent of how the model is partitioned: the entity that
/// created it (high 32 bits) and that entity's own count of messages created (low 32).
using MessageKey = std::uint64_t;
inline constexpr MessageKey kNoMessageKey = UINT64_MAX;

struct MessageRecord {
    MessageKey key = kNoMessageKey;
    /// The event that created it (with sent_at, its time): journal order is the order of
    /// these keys, which is the order of creation in a sequential run.
    EntityId made_in_src = 0;
    std::uint64_t made_in_seq = 0;
    MessageKind kind = MessageKind::User;
    MessageKey receipt_for_key = kNoMessageKey;  ///< receipts: the key of receipt_for
    std::uint32_t receipt_for = UINT32_MAX;      ///< receipts: the message they acknowledge
    NodeIndex about_device = net::kNoNode;       ///< receipts: the device that had or read it
    NodeIndex sender = net::kNoNode;
    UserIndex from = kNoUser;
    UserIndex to = kNoUser;
    Content content = Content::Text;
    Time sent_at{};
    std::uint64_t size_bytes = 0;  ///< plaintext
    std::uint64_t wire_bytes = 0;  ///< compressed + encryption overhead, headers excluded
    std::uint32_t packets = 0;
    NodeIndex server = net::kNoNode;  ///< the sender's server (the one that accepted it)
    bool at_server = false;
    bool committed = false;  ///< the sender's server has processed it (it will not be lost)
    Stages uplink;           ///< sender processing, uplink and server stages
    std::vector<NodeIndex> uplink_path;
    std::uint32_t uplink_retransmissions = 0;
    std::uint32_t resets = 0;  ///< uploads lost in a server crash and sent again
    std::vector<Delivery> deliveries;
    std::vector<ReceiptSeen> receipts;  ///< user messages: receipts their sender saw
};

class Journal {
public:
    /// Adds a message created by entity `creator` while it handles event `in`.
    std::uint32_t add(MessageRecord m, EntityId creator, const Event& in);
    /// Adds a copy of another part's message (partitioned runs); returns its index.
    std::uint32_t add_replica(MessageRecord m);
    /// The index of the message with this key (partitioned runs keep the index), or
    /// UINT32_MAX.
    std::uint32_t find(MessageKey key) const;
    /// Partitioned runs translate keys to indices: from now on, index every message.
    void index_keys() { indexing_ = true; }
    MessageRecord& operator[](std::uint32_t i) { return messages_[i]; }
    const MessageRecord& operator[](std::uint32_t i) const { return messages_[i]; }
    const ChunkedVector<MessageRecord>& messages() const { return messages_; }
    Delivery& delivery(std::uint32_t message, NodeIndex device);
    /// Adds a receipt about `message` from `from` (a recipient device) to the device that
    /// sent the message; returns its index.
    std::uint32_t add_receipt(MessageKind kind, std::uint32_t message, NodeIndex from,
                              UserIndex from_user, Time now, const ProtocolSpec& protocol,
                              EntityId creator, const Event& in);
    /// Replaces the records (merging the parts of a partitioned run).
    void assign(std::vector<MessageRecord> records);

private:
    std::uint32_t push(MessageRecord m);
    ChunkedVector<MessageRecord> messages_;
    std::vector<std::uint32_t> created_by_;  ///< per creator entity: messages created
    bool indexing_ = false;
    std::unordered_map<MessageKey, std::uint32_t> by_key_;
};

}  // namespace sim::model
