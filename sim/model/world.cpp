#include "sim/model/world.hpp"

#include <algorithm>
#include <cmath>

#include "sim/core/check.hpp"
#include "sim/core/scheduler.hpp"

namespace sim::model {

World::World(const ModelSpec& s, std::shared_ptr<net::Routing> r)
    : spec(s),
      server_load(s.nodes.size(), 0),
      access_router(s.nodes.size(), net::kNoNode),
      server_of(s.nodes.size(), net::kNoNode),
      router_port(s.nodes.size(), 0),
      presence_of_(s.nodes.size(), kAlwaysOnline),
      routing_(std::move(r)) {
    phone_.reserve(s.nodes.size());
    for (const NodeSpec& n : s.nodes)
        phone_.push_back(n.kind == net::NodeKind::Phone ? 1 : 0);
    // Counting sort of the datagram sources by sending node.
    datagram_first_.assign(s.nodes.size() + 1, 0);
    for (const DatagramSpec& d : s.datagrams) {
        MSGSIM_CHECK(d.from < s.nodes.size(), "datagram source from an unknown node");
        ++datagram_first_[d.from + 1];
    }
    for (std::size_t n = 0; n < s.nodes.size(); ++n)
        datagram_first_[n + 1] += datagram_first_[n];
    datagram_index_.resize(s.datagrams.size());
    std::vector<std::uint32_t> fill(datagram_first_.begin(), datagram_first_.end() - 1);
    for (std::size_t i = 0; i < s.datagrams.size(); ++i)
        datagram_index_[fill[s.datagrams[i].from]++] = static_cast<std::uint32_t>(i);
    for (std::uint32_t i = 0; i < s.presence.size(); ++i)
        presence_of_[s.presence[i].device] = i;
    for (const PoissonSpec& ps : s.poisson) {
        std::vector<double> cdf;
        if (ps.choice == RecipientChoice::Zipf) {
            // Cumulative weights 1/k^s of the pool's k-th user; a draw is a binary search.
            const UserIndex end =
                ps.pool_end == kNoUser ? static_cast<UserIndex>(s.users.size()) : ps.pool_end;
            cdf.reserve(end - ps.pool_begin);
            double total = 0;
            for (UserIndex k = 1; k <= end - ps.pool_begin; ++k) {
                total += std::pow(static_cast<double>(k), -ps.zipf_s);
                cdf.push_back(total);
            }
        }
        zipf_cdf_.push_back(std::move(cdf));
    }
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

const std::vector<std::pair<Time, Time>>& World::offline(NodeIndex device) const {
    static const std::vector<std::pair<Time, Time>> kNone;
    const std::uint32_t i = presence_of_[device];
    return i == kAlwaysOnline ? kNone : spec.presence[i].offline;
}

UserIndex World::pick_recipient(std::uint32_t stream, UserIndex from, Rng& rng) const {
    const PoissonSpec& ps = spec.poisson[stream];
    const UserIndex begin = ps.pool_begin;
    const UserIndex end =
        ps.pool_end == kNoUser ? static_cast<UserIndex>(spec.users.size()) : ps.pool_end;
    const std::uint64_t n = end - begin;
    // Senders outside the pool may pick any of its users; members pick another one.
    const bool member = from >= begin && from < end;
    const std::uint64_t others = member ? n - 1 : n;
    MSGSIM_CHECK(others > 0, "a recipient pool without another user");
    // The i-th user of the pool other than the sender.
    const auto other = [&](std::uint64_t i) {
        const auto u = static_cast<UserIndex>(begin + i);
        return member && u >= from ? u + 1 : u;
    };
    switch (ps.choice) {
        case RecipientChoice::Uniform:
            return other(rng.below(others));
        case RecipientChoice::Contacts: {
            // Contact j of a sender is fixed by a hash of (seed, stream, sender, j): no list
            // is stored, yet each sender always writes to the same few people.
            const std::uint64_t j = rng.below(ps.contacts);
            const std::uint64_t h = mix64(
                spec.seed ^ mix64((std::uint64_t{stream} << 40) ^ (std::uint64_t{from} << 8) ^ j));
            return other(h % others);
        }
        case RecipientChoice::Zipf: {
            const std::vector<double>& cdf = zipf_cdf_[stream];
            // Rejection of the sender itself: at most a few redraws unless it dominates.
            for (int attempt = 0; attempt < 64; ++attempt) {
                const double x = rng.uniform01() * cdf.back();
                const auto k = static_cast<UserIndex>(std::upper_bound(cdf.begin(), cdf.end(), x) -
                                                      cdf.begin());
                const UserIndex u = begin + std::min<UserIndex>(k, static_cast<UserIndex>(n - 1));
                if (u != from) return u;
            }
            return other(rng.below(others));
        }
    }
    MSGSIM_CHECK(false, "unknown recipient choice");
    return kNoUser;
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
    for (const auto& [from, to] : offline(device)) {
        if (t < from) return true;  // intervals are sorted
        if (t < to) return false;
    }
    return true;
}

Time World::next_online(NodeIndex device, Time t) const {
    for (const auto& [from, to] : offline(device)) {
        if (t < from) return t;
        if (t < to) return to;
    }
    return t;
}

}  // namespace sim::model
