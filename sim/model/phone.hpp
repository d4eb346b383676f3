// Phone: any user device. It composes messages (explicit and Poisson traffic), runs the
// sender stages (encode, compress, encrypt) and the uplink transport to its server, and on
// the receiving side reassembles, decrypts, displays, notifies and lets its user read.
#pragma once

#include <memory>
#include <unordered_map>
#include <utility>

#include "sim/core/rng.hpp"
#include "sim/model/endpoint.hpp"

namespace sim::model {

class Phone final : public Endpoint {
public:
    Phone(NodeIndex id, World& world);

    /// Schedules this phone's share of the scenario traffic (call once before the run).
    void schedule_traffic();

protected:
    void on_model_event(const Event& e) override;
    Time sendable_at(NodeIndex peer) override;
    void on_message(std::uint32_t pid) override;
    void on_control(std::uint32_t pid) override;
    void on_retransmission(std::uint32_t message, NodeIndex peer) override;

private:
    NodeIndex choose_server(UserIndex recipient);
    void compose(UserIndex to, Content content, std::uint64_t size_bytes);
    void start_upload(std::uint32_t message, Time leg_start, std::uint32_t generation);
    void send_datagram(std::uint32_t source, std::uint64_t sent_so_far);
    /// The journey of `message` to this device ends now; checks the stage sum.
    void finish_journey(std::uint32_t message, Delivery& d);
    void device_step(std::uint32_t message, std::uint16_t step);

    UserIndex user_;
    Rng traffic_rng_;
    Rng processing_rng_;
    Rng reading_rng_;
    /// Rarely used state, allocated on first use (a million idle phones need none of it).
    struct Extra {
        /// Messages refused by a busy server: their first leg start and next generation.
        std::unordered_map<std::uint32_t, std::pair<Time, std::uint32_t>> busy_retry;
    };
    Extra& extra() {
        if (!extra_) extra_ = std::make_unique<Extra>();
        return *extra_;
    }
    std::unique_ptr<Extra> extra_;
};

}  // namespace sim::model
