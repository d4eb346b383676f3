#include "sim/model/load_balancer.hpp"

#include <algorithm>

#include "sim/core/scheduler.hpp"

namespace sim::model {

std::uint64_t stable_hash(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return mix64(h);  // FNV alone clusters short, similar names on the ring
}

HashRing::HashRing(const std::vector<std::pair<NodeIndex, std::string>>& instances,
                   std::uint32_t virtual_nodes) {
    for (const auto& [node, name] : instances) {
        const std::uint64_t base = stable_hash(name);
        for (std::uint32_t v = 0; v < virtual_nodes; ++v)
            points_.emplace_back(mix64(base + 0x9e3779b97f4a7c15ULL * (v + 1)), node);
    }
    std::sort(points_.begin(), points_.end());
}

NodeIndex HashRing::owner(std::uint64_t key, const std::function<bool(NodeIndex)>& usable) const {
    if (points_.empty()) return net::kNoNode;
    const auto first = std::lower_bound(points_.begin(), points_.end(),
                                        std::pair<std::uint64_t, NodeIndex>{key, 0});
    const std::size_t start = static_cast<std::size_t>(first - points_.begin());
    for (std::size_t i = 0; i < points_.size(); ++i) {
        const NodeIndex n = points_[(start + i) % points_.size()].second;
        if (!usable || usable(n)) return n;
    }
    return net::kNoNode;
}

NodeIndex RoundRobinBalancer::pick(Pool& pool, const BalanceRequest& r) const {
    const std::size_t n = pool.instances.size();
    for (std::size_t i = 0; i < n; ++i) {
        const NodeIndex s = pool.instances[(pool.turn + i) % n];
        if (r.usable && !r.usable(s)) continue;
        pool.turn += i + 1;
        return s;
    }
    return net::kNoNode;
}

NodeIndex LeastLoadedBalancer::pick(Pool& pool, const BalanceRequest& r) const {
    pool.placed_since_report.resize(pool.instances.size(), 0);
    std::size_t best = pool.instances.size();
    std::uint64_t best_load = UINT64_MAX;
    for (std::size_t i = 0; i < pool.instances.size(); ++i) {
        const NodeIndex s = pool.instances[i];
        if (r.usable && !r.usable(s)) continue;
        const std::uint64_t reported = r.reported_load ? (*r.reported_load)[s] : 0;
        const std::uint64_t load = reported + pool.placed_since_report[i];
        if (load < best_load) {
            best_load = load;
            best = i;
        }
    }
    if (best == pool.instances.size()) return net::kNoNode;
    ++pool.placed_since_report[best];
    return pool.instances[best];
}

NodeIndex ConsistentHashBalancer::pick(Pool& pool, const BalanceRequest& r) const {
    return pool.ring.owner(r.key, r.usable);
}

std::unique_ptr<LoadBalancer> make_load_balancer(std::string_view name) {
    if (name == "round-robin") return std::make_unique<RoundRobinBalancer>();
    if (name == "least-loaded") return std::make_unique<LeastLoadedBalancer>();
    if (name == "consistent-hash") return std::make_unique<ConsistentHashBalancer>();
    return nullptr;
}

std::vector<std::string> load_balancer_names() {
    return {"none", "round-robin", "least-loaded", "consistent-hash"};
}

}  // namespace sim::model
