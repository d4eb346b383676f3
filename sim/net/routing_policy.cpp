#include "sim/net/routing_policy.hpp"

#include <functional>
#include <utility>

namespace sim::net {

namespace {

using Factory = std::unique_ptr<RoutingPolicy> (*)();

template <class P>
std::unique_ptr<RoutingPolicy> make() {
    return std::make_unique<P>();
}

// The registry: name -> factory.
constexpr std::pair<std::string_view, Factory> kPolicies[] = {
    {"shortest-path", &make<ShortestPathPolicy>},
    {"min-hop", &make<MinHopPolicy>},
    {"ecmp", &make<EcmpPolicy>},
    {"congestion-aware", &make<CongestionAwarePolicy>},
};

}  // namespace

std::unique_ptr<RoutingPolicy> make_routing_policy(std::string_view name) {
    for (const auto& [n, factory] : kPolicies) {
        if (n == name) return factory();
    }
    return nullptr;
}

std::vector<std::string> routing_policy_names() {
    std::vector<std::string> names;
    for (const auto& [n, factory] : kPolicies)
        names.emplace_back(n);
    return names;
}

}  // namespace sim::net
