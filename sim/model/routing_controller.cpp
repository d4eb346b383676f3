#include "sim/model/routing_controller.hpp"

#include "sim/model/node.hpp"

namespace sim::model {

namespace {
// Damping (so routes do not flap): each report moves the smoothed delay 30 % of the way
// to the new sample, and costs change only in steps of 100 us.
constexpr std::int64_t kEwmaPercent = 30;
constexpr std::int64_t kQuantumNs = 100'000;
}  // namespace

RoutingController::RoutingController(EntityId id, World& world, std::vector<net::NodeKind> kinds,
                                     std::shared_ptr<const net::RoutingPolicy> policy)
    : Entity(id),
      world_(world),
      kinds_(std::move(kinds)),
      policy_(std::move(policy)),
      down_count_(2 * world.spec.links.size(), 0),
      smoothed_(2 * world.spec.links.size(), Duration{0}),
      state_(net::LinkState::all_up(world.spec.links.size())) {}

void RoutingController::schedule(Scheduler& sched) {
    const ModelSpec& spec = world_.spec;
    auto at = [&](Time t, EventKind kind, std::uint32_t slot, std::uint64_t payload) {
        sched.schedule(Event{.when = t,
                             .seq = 0,
                             .src = id(),
                             .dst = id(),
                             .slot = slot,
                             .kind = kind,
                             .payload = payload});
    };
    const Duration detect = spec.routing.detection_delay;
    for (std::uint32_t i = 0; i < spec.faults.size(); ++i) {
        at(spec.faults[i].at + detect, ev::FaultChange, i, 1);
        at(spec.faults[i].at + spec.faults[i].down_for + detect, ev::FaultChange, i, 0);
    }
    if (policy_->adaptive()) at(kTimeZero + spec.routing.update_interval, ev::RouteTick, 0, 0);
}

std::int64_t RoutingController::cost_of(std::size_t direction, const net::LinkState& s) const {
    if (!s.up[direction]) return -1;
    return policy_->link_cost(world_.spec.links[direction / 2], s.queue_delay[direction]);
}

void RoutingController::on_event(const Event& e) {
    const ModelSpec& spec = world_.spec;
    switch (e.kind) {
        case ev::LinkReport: {
            Duration& s = smoothed_[e.slot];
            const auto sample = static_cast<std::int64_t>(e.payload);
            s += Duration{(sample - s.count()) * kEwmaPercent / 100};
            return;
        }
        case ev::LoadReport:
            world_.note_load_report(e.slot, e.payload);
            return;
        case ev::RouteTick: {
            bool changed = false;
            for (std::size_t d = 0; d < smoothed_.size(); ++d) {
                const Duration q{smoothed_[d].count() / kQuantumNs * kQuantumNs};
                if (q != state_.queue_delay[d]) changed = true;
            }
            if (changed) publish("measured queueing delays changed");
            send(id(), spec.routing.update_interval, ev::RouteTick);
            return;
        }
        case ev::FaultChange: {
            const FaultSpec& f = spec.faults[e.slot];
            const bool down = e.payload == 1;
            std::string what;
            for (std::size_t i = 0; i < spec.links.size(); ++i) {
                const net::LinkSpec& l = spec.links[i];
                const bool hit = f.link ? *f.link == i : (l.a == *f.node || l.b == *f.node);
                if (!hit) continue;
                for (std::size_t d = 2 * i; d < 2 * i + 2; ++d)
                    down_count_[d] += down ? 1 : -1;
            }
            what = f.link ? "link " + spec.nodes[spec.links[*f.link].a].id + "-" +
                                spec.nodes[spec.links[*f.link].b].id
                          : "node " + spec.nodes[*f.node].id;
            publish(what + (down ? " detected down" : " detected up again"));
            return;
        }
        default:
            return;
    }
}

void RoutingController::publish(const std::string& reason) {
    net::LinkState next = state_;
    for (std::size_t d = 0; d < next.up.size(); ++d) {
        next.up[d] = down_count_[d] == 0 ? 1 : 0;
        next.queue_delay[d] = Duration{smoothed_[d].count() / kQuantumNs * kQuantumNs};
    }
    RouteUpdate u{now(), reason, {}};
    for (std::size_t d = 0; d < next.up.size(); ++d) {
        const net::LinkSpec& l = world_.spec.links[d / 2];
        if (kinds_[l.a] == net::NodeKind::Phone || kinds_[l.b] == net::NodeKind::Phone) continue;
        const std::int64_t before = cost_of(d, state_);
        const std::int64_t after = cost_of(d, next);
        if (before != after) u.changes.emplace_back(static_cast<std::uint32_t>(d), before, after);
    }
    state_ = next;
    world_.publish(std::make_shared<net::Routing>(kinds_, world_.spec.links, policy_, state_));
    fingerprint(static_cast<std::uint64_t>(u.changes.size()));
    world_.route_updates.push_back(std::move(u));
}

}  // namespace sim::model
