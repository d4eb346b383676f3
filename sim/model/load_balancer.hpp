// Load balancers: how the server instances of one region share its traffic. Server
// selection picks a server (and so its region); when a load balancer is configured, it
// picks the instance of that region's pool that takes the message. One small class per
// policy, found by name in a registry.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/net/spec.hpp"

namespace sim::model {

using net::NodeIndex;

/// A hash of a name that depends on its characters only (FNV-1a, then a SplitMix64 mix).
std::uint64_t stable_hash(std::string_view s);

/// A consistent-hash ring: each instance owns `virtual_nodes` points; a key belongs to the
/// first point at or after it (wrapping around). Removing an instance moves only the keys
/// it owned, to the next usable points.
class HashRing {
public:
    HashRing() = default;
    /// `instances`: (node, name); a point's position hashes the name and the point number.
    HashRing(const std::vector<std::pair<NodeIndex, std::string>>& instances,
             std::uint32_t virtual_nodes);
    /// The owner of `key` among the instances for which `usable` holds; kNoNode if none.
    NodeIndex owner(std::uint64_t key, const std::function<bool(NodeIndex)>& usable) const;
    std::size_t points() const { return points_.size(); }

private:
    std::vector<std::pair<std::uint64_t, NodeIndex>> points_;  ///< sorted by position
};

/// The server instances of one region behind its balancer, and the balancer's state.
struct Pool {
    std::string region;
    std::vector<NodeIndex> instances;  ///< in node order
    HashRing ring;
    std::uint64_t turn = 0;  ///< round-robin: messages placed so far
    /// least-loaded: messages placed on each instance since its last load report.
    std::vector<std::uint64_t> placed_since_report;
};

struct BalanceRequest {
    std::uint64_t key = 0;  ///< stable_hash of the recipient user's id
    const std::vector<std::uint64_t>* reported_load = nullptr;  ///< per node
    std::function<bool(NodeIndex)> usable;                      ///< reachable and up
};

class LoadBalancer {
public:
    virtual ~LoadBalancer() = default;
    virtual std::string_view name() const = 0;
    /// The instance (a node of `pool.instances`) that takes the message; kNoNode if no
    /// instance is usable.
    virtual NodeIndex pick(Pool& pool, const BalanceRequest& r) const = 0;
};

/// Each message to the next usable instance in turn.
class RoundRobinBalancer final : public LoadBalancer {
public:
    std::string_view name() const override { return "round-robin"; }
    NodeIndex pick(Pool& pool, const BalanceRequest& r) const override;
};

/// The instance with the least load: its last report (queued + in service, reported every
/// routing.update_interval) plus the messages placed on it since; ties to the first listed.
class LeastLoadedBalancer final : public LoadBalancer {
public:
    std::string_view name() const override { return "least-loaded"; }
    NodeIndex pick(Pool& pool, const BalanceRequest& r) const override;
};

/// The owner of the recipient on the pool's hash ring: one recipient, one instance.
class ConsistentHashBalancer final : public LoadBalancer {
public:
    std::string_view name() const override { return "consistent-hash"; }
    NodeIndex pick(Pool& pool, const BalanceRequest& r) const override;
};

/// The balancer registered under `name`, or nullptr ("none" or unknown).
std::unique_ptr<LoadBalancer> make_load_balancer(std::string_view name);
/// Names accepted by routing.load_balancer, "none" first.
std::vector<std::string> load_balancer_names();

}  // namespace sim::model
