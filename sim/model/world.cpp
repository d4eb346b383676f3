#include "sim/model/world.hpp"

#include <algorithm>

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
    balancer = make_load_balancer(s.routing.load_balancer);
    pool_of.assign(s.nodes.size(), kNoPool);
    if (!balancer) return;
    // Servers sharing a region form its pool, in node order; a server without a region
    // stands alone.
    for (NodeIndex n = 0; n < s.nodes.size(); ++n) {
        const NodeSpec& node = s.nodes[n];
        if (node.kind != net::NodeKind::Server || node.region.empty()) continue;
        auto it = std::find_if(pools.begin(), pools.end(),
                               [&](const Pool& p) { return p.region == node.region; });
        if (it == pools.end()) {
            Pool pool;
            pool.region = node.region;
            pools.push_back(std::move(pool));
            it = pools.end() - 1;
        }
        pool_of[n] = static_cast<std::uint32_t>(it - pools.begin());
        it->instances.push_back(n);
    }
    for (Pool& p : pools) {
        std::vector<std::pair<NodeIndex, std::string>> named;
        for (NodeIndex n : p.instances)
            named.emplace_back(n, s.nodes[n].id);
        p.ring = HashRing(named, s.routing.virtual_nodes);
        p.placed_since_report.assign(p.instances.size(), 0);
    }
}

NodeIndex World::balance(NodeIndex server, UserIndex recipient,
                         const std::function<bool(NodeIndex)>& usable) {
    if (!balancer || server == net::kNoNode || pool_of[server] == kNoPool) return server;
    Pool& pool = pools[pool_of[server]];
    BalanceRequest r;
    r.key = recipient == kNoUser ? 0 : stable_hash(spec.users[recipient].id);
    r.reported_load = &server_load;
    r.usable = usable;
    const NodeIndex picked = balancer->pick(pool, r);
    return picked == net::kNoNode ? server : picked;
}

void World::note_load_report(NodeIndex server, std::uint64_t load) {
    server_load[server] = load;
    if (pool_of[server] == kNoPool) return;
    Pool& pool = pools[pool_of[server]];
    const auto it = std::find(pool.instances.begin(), pool.instances.end(), server);
    pool.placed_since_report[static_cast<std::size_t>(it - pool.instances.begin())] = 0;
}

bool World::reachable(NodeIndex router, NodeIndex server) {
    return router == server || routing().least_latency(router, server).has_value();
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
