// The routing control plane: it learns of failures (after routing.detection_delay) and,
// for adaptive policies, of the queueing delays the routers report every
// routing.update_interval; from these it publishes new routing snapshots. Servers report
// their load to it too, for least-loaded server selection.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/core/scheduler.hpp"
#include "sim/model/world.hpp"

namespace sim::model {

class RoutingController final : public Entity {
public:
    RoutingController(EntityId id, World& world, std::vector<net::NodeKind> kinds,
                      std::shared_ptr<const net::RoutingPolicy> policy);

    /// Schedules fault detections and, for adaptive policies, the periodic recomputation.
    void schedule(Scheduler& sched);
    void on_event(const Event& e) override;

private:
    void publish(const std::string& reason);
    std::int64_t cost_of(std::size_t direction, const net::LinkState& s) const;

    World& world_;
    std::vector<net::NodeKind> kinds_;
    std::shared_ptr<const net::RoutingPolicy> policy_;
    std::vector<std::uint32_t> down_count_;  ///< per direction: faults holding it down
    std::vector<Duration> smoothed_;         ///< per direction: EWMA of reported delays
    net::LinkState state_;                   ///< as last published
};

}  // namespace sim::model
