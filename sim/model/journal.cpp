#include "sim/model/journal.hpp"

#include "sim/core/check.hpp"

namespace sim::model {

std::string_view stage_name(Stage s) {
    static constexpr std::string_view kNames[kStageCount] = {
        "encode", "compress",     "encrypt", "access",     "queueing", "network", "retransmit",
        "server", "offline_wait", "push",    "reassembly", "decrypt",  "display", "notify"};
    return kNames[static_cast<std::size_t>(s)];
}

Duration Stages::total() const {
    Duration t{0};
    for (Duration x : d)
        t += x;
    return t;
}

Stages& Stages::operator+=(const Stages& o) {
    for (std::size_t i = 0; i < kStageCount; ++i)
        d[i] += o.d[i];
    return *this;
}

void finish_delivery(Delivery& d, std::uint32_t message, Time now) {
    MSGSIM_CHECK(!d.done, "message " + std::to_string(message) + " delivered twice to device " +
                              std::to_string(d.device));
    d.done = true;
    d.done_at = now;
}

Delivery& Journal::delivery(std::uint32_t message, NodeIndex device) {
    for (Delivery& d : messages_[message].deliveries) {
        if (d.device == device) return d;
    }
    MSGSIM_CHECK(false, "no delivery of message " + std::to_string(message) + " to device " +
                            std::to_string(device));
    __builtin_unreachable();
}

std::uint32_t Journal::push(MessageRecord m) {
    const auto index = static_cast<std::uint32_t>(messages_.size());
    if (indexing_) {
        MSGSIM_CHECK(by_key_.emplace(m.key, index).second, "two messages with one key");
    }
    messages_.push_back(std::move(m));
    return index;
}

std::uint32_t Journal::add(MessageRecord m, EntityId creator, const Event& in) {
    if (creator >= created_by_.size()) created_by_.resize(creator + 1, 0);
    m.key = (MessageKey{creator} << 32) | created_by_[creator]++;
    m.made_in_src = in.src;
    m.made_in_seq = in.seq;
    return push(std::move(m));
}

std::uint32_t Journal::add_replica(MessageRecord m) {
    MSGSIM_CHECK(indexing_, "replicas exist only in partitioned runs");
    return push(std::move(m));
}

std::uint32_t Journal::find(MessageKey key) const {
    const auto it = by_key_.find(key);
    return it == by_key_.end() ? UINT32_MAX : it->second;
}

void Journal::assign(std::vector<MessageRecord> records) {
    messages_ = ChunkedVector<MessageRecord>{};
    by_key_.clear();
    for (MessageRecord& m : records)
        push(std::move(m));
}

std::uint32_t Journal::add_receipt(MessageKind kind, std::uint32_t message, NodeIndex from,
                                   UserIndex from_user, Time now, const ProtocolSpec& protocol,
                                   EntityId creator, const Event& in) {
    const MessageRecord& original = messages_[message];
    MessageRecord r;
    r.kind = kind;
    r.receipt_for = message;
    r.receipt_for_key = original.key;
    r.about_device = from;
    r.sender = from;
    r.from = from_user;
    r.to = original.from;
    r.sent_at = now;
    // A receipt names a message and a state: 16 bytes, encrypted like any message.
    r.size_bytes = 16;
    r.wire_bytes = r.size_bytes + protocol.encryption_overhead;
    const std::uint64_t payload = protocol.mtu - protocol.header;
    r.packets = static_cast<std::uint32_t>((r.wire_bytes + payload - 1) / payload);
    Delivery d;
    d.device = original.sender;
    r.deliveries.push_back(d);
    return add(std::move(r), creator, in);
}

}  // namespace sim::model
