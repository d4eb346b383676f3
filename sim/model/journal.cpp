#include "sim/model/journal.hpp"

#include "sim/core/check.hpp"

namespace sim::model {

std::string_view stage_name(Stage s) {
    static constexpr std::string_view kNames[kStageCount] = {
        "encode", "compress",     "encrypt",    "access",  "queueing", "network", "retransmit",
        "server", "offline_wait", "reassembly", "decrypt", "display",  "notify"};
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

Delivery& Journal::delivery(std::uint32_t message, NodeIndex device) {
    for (Delivery& d : messages_[message].deliveries) {
        if (d.device == device) return d;
    }
    MSGSIM_CHECK(false, "no delivery of message " + std::to_string(message) + " to device " +
                            std::to_string(device));
    __builtin_unreachable();
}

}  // namespace sim::model
