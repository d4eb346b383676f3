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

std::uint32_t Journal::add_receipt(MessageKind kind, std::uint32_t message, NodeIndex from,
                                   UserIndex from_user, Time now, const ProtocolSpec& protocol) {
    const MessageRecord& original = messages_[message];
    MessageRecord r;
    r.kind = kind;
    r.receipt_for = message;
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
    return add(std::move(r));
}

}  // namespace sim::model
