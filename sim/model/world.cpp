#include "sim/model/world.hpp"

#include "sim/core/check.hpp"

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
