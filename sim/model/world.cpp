#include "sim/model/world.hpp"

namespace sim::model {

World::World(const ModelSpec& s, std::shared_ptr<net::Routing> r)
    : spec(s),
      server_load(s.nodes.size(), 0),
      access_router(s.nodes.size(), net::kNoNode),
      server_of(s.nodes.size(), net::kNoNode),
      offline(s.nodes.size()),
      routing_(std::move(r)) {
    for (const PresenceSpec& p : s.presence)
        offline[p.device] = p.offline;
}

bool World::online(NodeIndex device, Time t) const {
    for (const auto& [from, to] : offline[device]) {
        if (t < from) return true;  // intervals are sorted
        if (t < to) return false;
    }
    return true;
}

Time World::next_online(NodeIndex device, Time t) const {
    for (const auto& [from, to] : offline[device]) {
        if (t < from) return t;
        if (t < to) return to;
    }
    return t;
}

}  // namespace sim::model
