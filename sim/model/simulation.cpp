#include "sim/model/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <tuple>

#include "sim/core/bytes.hpp"
#include "sim/core/check.hpp"
#include "sim/core/ranks.hpp"
#include "sim/core/scheduler.hpp"
#include "sim/model/phone.hpp"
#include "sim/model/routing_controller.hpp"

namespace sim::model {

namespace {

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ", ") + x;
    return s;
}

/// Sets up one run: entities, ports, server choice, faults, presence and traffic.
class Builder {
public:
    explicit Builder(const ModelSpec& spec) : spec_(spec) {}

    /// Builds only the entities of part `mine` (partitioned runs); the default is all.
    void restrict_to(const std::vector<std::uint32_t>& part_of, std::uint32_t mine) {
        part_of_ = &part_of;
        mine_ = mine;
    }
    bool local(NodeIndex i) const { return part_of_ == nullptr || (*part_of_)[i] == mine_; }

    std::unique_ptr<World> make_world() {
        check_supported(spec_);
        policy_ = net::make_routing_policy(spec_.routing.policy);
        for (const NodeSpec& n : spec_.nodes)
            kinds_.push_back(n.kind);
        return std::make_unique<World>(
            spec_, std::make_shared<net::Routing>(kinds_, spec_.links, policy_,
                                                  net::LinkState::all_up(spec_.links.size())));
    }

    /// The control plane, when routes or server choice change during the run.
    std::unique_ptr<RoutingController> make_controller(World& w, Scheduler& sched,
                                                       std::vector<std::unique_ptr<Node>>& nodes) {
        const bool least_loaded = spec_.routing.server_selection == "least-loaded" ||
                                  spec_.routing.load_balancer == "least-loaded";
        if (!policy_->adaptive() && spec_.faults.empty() && !least_loaded) return nullptr;
        // In a partitioned run every part holds a copy (Scheduler::kEveryPart).
        auto c = std::make_unique<RoutingController>(static_cast<EntityId>(nodes.size()), w, kinds_,
                                                     policy_);
        sched.add(*c);
        c->schedule(sched);
        if (!policy_->adaptive() && !least_loaded) return c;
        // Routers and servers report every update_interval (from time 0).
        std::vector<std::vector<std::uint32_t>> directions(nodes.size());
        for (std::uint32_t i = 0; i < spec_.links.size(); ++i) {
            directions[spec_.links[i].a].push_back(2 * i);
            directions[spec_.links[i].b].push_back(2 * i + 1);
        }
        for (auto& n : nodes) {
            if (!n || w.is_phone(n->id())) continue;  // phones, or another part's node
            n->enable_reports(c->id(), std::move(directions[n->id()]));
            sched.schedule(Event{.when = kTimeZero,
                                 .seq = 0,
                                 .src = n->id(),
                                 .dst = n->id(),
                                 .kind = ev::ReportTick});
        }
        return c;
    }

    void choose_servers(World& w) {
        for (const net::LinkSpec& l : spec_.links) {
            if (w.is_phone(l.a)) w.access_router[l.a] = l.b;
            if (w.is_phone(l.b)) w.access_router[l.b] = l.a;
        }
        std::vector<NodeIndex> servers;
        for (NodeIndex i = 0; i < spec_.nodes.size(); ++i) {
            if (spec_.nodes[i].kind == net::NodeKind::Server) servers.push_back(i);
        }
        for (NodeIndex i = 0; i < spec_.nodes.size(); ++i) {
            if (!w.is_phone(i)) continue;
            const NodeIndex router = w.access_router[i];
            MSGSIM_CHECK(router != net::kNoNode, "phone without an access link");
            // Nearest: least propagation latency from the access router (the access link is
            // common to all choices); ties go to the server listed first.
            std::optional<Duration> best;
            for (NodeIndex s : servers) {
                const auto d = router == s ? std::optional<Duration>{Duration{0}}
                                           : w.routing().least_latency(router, s);
                if (d && (!best || *d < *best)) {
                    best = d;
                    w.server_of[i] = s;
                }
            }
            // The loader refuses a phone that cannot reach a server.
            MSGSIM_CHECK(w.server_of[i] != net::kNoNode,
                         "phone " + spec_.nodes[i].id + " cannot reach any server");
        }
        if (spec_.routing.server_selection == "home") {
            // A user is homed on their "home" server, or the one nearest to their first
            // device; all their devices use it, wherever they are.
            for (const UserSpec& u : spec_.users) {
                const NodeIndex home =
                    u.home != net::kNoNode ? u.home : w.server_of[u.devices.front()];
                for (NodeIndex d : u.devices)
                    w.server_of[d] = home;
            }
        }
        // With a load balancer, each device keeps its connection to one instance of its
        // server's region (the instance that delivers to it): the recipient's owner on the
        // ring for consistent-hash, else spread in node order. Then the balancers start afresh.
        if (w.balancer) {
            for (NodeIndex i = 0; i < spec_.nodes.size(); ++i) {
                if (w.is_phone(i)) w.server_of[i] = w.balance(w.server_of[i], spec_.nodes[i].user);
            }
            for (Pool& p : w.pools) {
                p.turn = 0;
                std::fill(p.placed_since_report.begin(), p.placed_since_report.end(), 0);
            }
        }
    }

    /// The nodes of this part (all of them in a sequential run); nullptr for the others.
    std::vector<std::unique_ptr<Node>> make_nodes(World& w, Scheduler& sched) {
        std::vector<std::unique_ptr<Node>> nodes(spec_.nodes.size());
        for (NodeIndex i = 0; i < spec_.nodes.size(); ++i) {
            if (!local(i)) continue;
            switch (spec_.nodes[i].kind) {
                case net::NodeKind::Phone:
                    nodes[i] = std::make_unique<Phone>(i, w);
                    break;
                case net::NodeKind::Server:
                    nodes[i] = std::make_unique<Server>(i, w);
                    break;
                case net::NodeKind::Router:
                    nodes[i] = std::make_unique<Node>(i, w);
                    break;
            }
            sched.add(*nodes[i]);
        }
        std::vector<std::uint32_t> degree(spec_.nodes.size(), 0);
        for (const net::LinkSpec& l : spec_.links) {
            ++degree[l.a];
            ++degree[l.b];
        }
        for (NodeIndex i = 0; i < spec_.nodes.size(); ++i) {
            if (nodes[i]) nodes[i]->reserve_ports(degree[i]);
        }
        // A node's ports are numbered in link order, so a part knows the port numbers of
        // nodes it does not hold (a packet names the port it arrives over).
        std::vector<std::uint32_t> next_port(spec_.nodes.size(), 0);
        for (const net::LinkSpec& l : spec_.links) {
            const std::uint32_t at_a = next_port[l.a]++;
            const std::uint32_t at_b = next_port[l.b]++;
            // The sending side of one direction, at `from` (when this part holds it). Each
            // direction draws its losses from its own stream, keyed by its endpoints.
            auto add = [&](NodeIndex from, NodeIndex to, std::uint32_t at, std::uint32_t back) {
                if (!nodes[from]) return;
                const Rng loss(spec_.seed, (std::uint64_t{from} << 32) | to, StreamTag::Loss);
                MSGSIM_CHECK(nodes[from]->add_port(net::Port(l, to, loss)) == at, "port numbering");
                nodes[from]->set_port_reverse(at, back);
            };
            add(l.a, l.b, at_a, at_b);
            add(l.b, l.a, at_b, at_a);
            if (w.is_phone(l.a)) w.router_port[l.a] = at_b;
            if (w.is_phone(l.b)) w.router_port[l.b] = at_a;
        }
        return nodes;
    }

    /// Faults and presence become port and node events, scheduled by their targets.
    void schedule_faults(const std::vector<std::unique_ptr<Node>>& nodes, Scheduler& sched) {
        auto at = [&](NodeIndex target, Time t, EventKind kind, std::uint32_t slot) {
            if (!nodes[target]) return;  // another part's
            sched.schedule(Event{
                .when = t, .seq = 0, .src = target, .dst = target, .slot = slot, .kind = kind});
        };
        auto link_events = [&](NodeIndex a, NodeIndex b, Time down, Time up) {
            const std::int64_t pa = nodes[a] ? nodes[a]->port_to(b) : 0;
            const std::int64_t pb = nodes[b] ? nodes[b]->port_to(a) : 0;
            MSGSIM_CHECK(pa >= 0 && pb >= 0, "fault on a link that does not exist");
            at(a, down, ev::PortDown, static_cast<std::uint32_t>(pa));
            at(b, down, ev::PortDown, static_cast<std::uint32_t>(pb));
            at(a, up, ev::PortUp, static_cast<std::uint32_t>(pa));
            at(b, up, ev::PortUp, static_cast<std::uint32_t>(pb));
        };
        for (const FaultSpec& f : spec_.faults) {
            if (f.link) {
                const net::LinkSpec& l = spec_.links[*f.link];
                link_events(l.a, l.b, f.at, f.at + f.down_for);
            } else if (f.node) {
                at(*f.node, f.at, ev::NodeDown, 0);
                at(*f.node, f.at + f.down_for, ev::NodeUp, 0);
            }
        }
        // An offline device's access link is down both ways. Each device schedules one
        // change at a time (Phone, ev::Presence): a million devices with a few offline spans
        // each must not fill the event queue with all of them at time zero.
        for (const PresenceSpec& p : spec_.presence) {
            if (p.offline.empty() || !nodes[p.device]) continue;
            sched.schedule(Event{.when = p.offline.front().first,
                                 .seq = 0,
                                 .src = p.device,
                                 .dst = p.device,
                                 .slot = 0,
                                 .kind = ev::Presence,
                                 .payload = 1});
        }
    }

private:
    const ModelSpec& spec_;
    std::shared_ptr<const net::RoutingPolicy> policy_;
    std::vector<net::NodeKind> kinds_;
    const std::vector<std::uint32_t>* part_of_ = nullptr;
    std::uint32_t mine_ = 0;
};

void put_record(ByteWriter& b, const MessageRecord& m) {
    b.put(m.key);
    b.put(m.made_in_src);
    b.put(m.made_in_seq);
    b.put(m.kind);
    b.put(m.receipt_for_key);
    b.put(m.about_device);
    b.put(m.sender);
    b.put(m.from);
    b.put(m.to);
    b.put(m.content);
    b.put(m.sent_at);
    b.put(m.size_bytes);
    b.put(m.wire_bytes);
    b.put(m.packets);
    b.put(m.server);
    b.put(m.at_server);
    b.put(m.committed);
    b.put(m.uplink);
    b.put_all(std::span<const NodeIndex>(m.uplink_path));
    b.put(m.uplink_retransmissions);
    b.put(m.resets);
    b.put<std::uint64_t>(m.deliveries.size());
    for (const Delivery& d : m.deliveries) {
        b.put(d.device);
        b.put(d.delivered_at);
        b.put(d.displayed_at);
        b.put(d.done_at);
        b.put(d.latency);
        b.put(d.read_at);
        for (const bool f :
             {d.read, d.sync, d.received, d.done, d.stored, d.expired, d.lost, d.relay_committed})
            b.put(f);
        b.put(d.stages);
        b.put(d.server_side);
        b.put_all(std::span<const NodeIndex>(d.path));
        b.put(d.relay_server);
        b.put(d.relay);
        b.put_all(std::span<const NodeIndex>(d.relay_path));
        b.put(d.retransmissions);
        b.put(d.stored_for);
        b.put(d.stored_since);
    }
    b.put_all(std::span<const ReceiptSeen>(m.receipts));
}

MessageRecord get_record(ByteReader& b) {
    MessageRecord m;
    m.key = b.get<MessageKey>();
    m.made_in_src = b.get<EntityId>();
    m.made_in_seq = b.get<std::uint64_t>();
    m.kind = b.get<MessageKind>();
    m.receipt_for_key = b.get<MessageKey>();
    m.about_device = b.get<NodeIndex>();
    m.sender = b.get<NodeIndex>();
    m.from = b.get<UserIndex>();
    m.to = b.get<UserIndex>();
    m.content = b.get<Content>();
    m.sent_at = b.get<Time>();
    m.size_bytes = b.get<std::uint64_t>();
    m.wire_bytes = b.get<std::uint64_t>();
    m.packets = b.get<std::uint32_t>();
    m.server = b.get<NodeIndex>();
    m.at_server = b.get<bool>();
    m.committed = b.get<bool>();
    m.uplink = b.get<Stages>();
    b.get_all(m.uplink_path);
    m.uplink_retransmissions = b.get<std::uint32_t>();
    m.resets = b.get<std::uint32_t>();
    m.deliveries.resize(b.get<std::uint64_t>());
    for (Delivery& d : m.deliveries) {
        d.device = b.get<NodeIndex>();
        d.delivered_at = b.get<Time>();
        d.displayed_at = b.get<Time>();
        d.done_at = b.get<Time>();
        d.latency = b.get<Duration>();
        d.read_at = b.get<Time>();
        for (bool* f : {&d.read, &d.sync, &d.received, &d.done, &d.stored, &d.expired, &d.lost,
                        &d.relay_committed})
            *f = b.get<bool>();
        d.stages = b.get<Stages>();
        d.server_side = b.get<Stages>();
        b.get_all(d.path);
        d.relay_server = b.get<NodeIndex>();
        d.relay = b.get<Stages>();
        b.get_all(d.relay_path);
        d.retransmissions = b.get<std::uint32_t>();
        d.stored_for = b.get<Duration>();
        d.stored_since = b.get<Time>();
    }
    b.get_all(m.receipts);
    return m;
}

/// Packets cross between parts by value: the event's payload (a pool index) is replaced
/// by the packet's fields on the way out and by a new local index on arrival. A message's
/// journal index is local too: packets name it by key, and a data packet carries the
/// message's record, from which the receiving part makes its copy (a replica) the first
/// time. Parts write only the deliveries to their own devices in a replica; the parts'
/// records are merged at the end.
class PacketCodec final : public PayloadCodec {
    static_assert(sizeof(Packet) == 128,
                  "Packet changed: carry the new field across parts in PacketCodec");

public:
    explicit PacketCodec(World& w) : w_(w) {}
    void encode(const Event& e, std::vector<std::byte>& out) override {
        if (e.kind != ev::PacketArrive) return;  // other kinds carry plain values
        const auto pid = static_cast<std::uint32_t>(e.payload);
        const Packet& p = w_.packets[pid];
        ByteWriter b(out);
        b.put(p.kind);
        b.put(p.leg);
        b.put(p.hop_is_access);
        b.put(p.dst_kind);
        b.put(p.dst_router);
        b.put(p.dst_router_port);
        b.put(p.src);
        b.put(p.dst);
        b.put(p.message);
        b.put(p.seq);
        b.put(p.count);
        b.put(p.bytes);
        b.put(p.copy);
        b.put(p.generation);
        for (const Time t : {p.leg_start, p.first_sent, p.sent, p.hop_mark})
            b.put(t.time_since_epoch().count());
        for (const Duration d : {p.access, p.queueing, p.network})
            b.put(d.count());
        b.put_all(std::span<const NodeIndex>(p.path));
        if (p.kind != Packet::Kind::Datagram) {
            // Only servers talk across parts: when routes change so that a device must use
            // a server of another part, this version cannot follow (its journal merge
            // relies on it), and says so rather than give a wrong result.
            if (w_.is_phone(p.src) || w_.is_phone(p.dst)) {
                throw std::runtime_error(
                    "device " + w_.spec.nodes[w_.is_phone(p.src) ? p.src : p.dst].id +
                    " had to use a server in another part of the parallel run (its own "
                    "became unreachable); this version cannot run that over several ranks: "
                    "run it with one rank");
            }
            const MessageRecord& m = w_.journal[p.message];
            b.put(m.key);
            b.put<std::uint8_t>(p.kind == Packet::Kind::Data ? 1 : 0);
            if (p.kind == Packet::Kind::Data) put_record(b, m);
        }
        w_.packets.release(pid);
    }
    std::uint64_t decode(const Event& e, std::span<const std::byte> bytes) override {
        if (e.kind != ev::PacketArrive) {
            MSGSIM_CHECK(bytes.empty(), "unexpected bytes with a plain event");
            return e.payload;
        }
        const std::uint32_t pid = w_.packets.make();
        Packet& p = w_.packets[pid];
        ByteReader b(bytes);
        p.kind = b.get<Packet::Kind>();
        p.leg = b.get<std::uint8_t>();
        p.hop_is_access = b.get<bool>();
        p.dst_kind = b.get<Packet::DstKind>();
        p.dst_router = b.get<NodeIndex>();
        p.dst_router_port = b.get<std::uint32_t>();
        p.src = b.get<NodeIndex>();
        p.dst = b.get<NodeIndex>();
        p.message = b.get<std::uint32_t>();
        p.seq = b.get<std::uint32_t>();
        p.count = b.get<std::uint32_t>();
        p.bytes = b.get<std::uint32_t>();
        p.copy = b.get<std::uint32_t>();
        p.generation = b.get<std::uint32_t>();
        for (Time* t : {&p.leg_start, &p.first_sent, &p.sent, &p.hop_mark})
            *t = Time{Duration{b.get<std::int64_t>()}};
        for (Duration* d : {&p.access, &p.queueing, &p.network})
            *d = Duration{b.get<std::int64_t>()};
        b.get_all(p.path);
        if (p.kind != Packet::Kind::Datagram) {
            const auto key = b.get<MessageKey>();
            const bool with_record = b.get<std::uint8_t>() != 0;
            std::uint32_t local = w_.journal.find(key);
            if (with_record) {
                MessageRecord m = get_record(b);
                if (local == UINT32_MAX) local = add_replica(std::move(m));
            }
            MSGSIM_CHECK(local != UINT32_MAX, "a packet of a message this part has never seen");
            p.message = local;
        }
        MSGSIM_CHECK(b.done(), "packet bytes left over");
        return pid;
    }

private:
    /// A replica starts with what its creator's part knew, less what that part counts
    /// itself (resends, receipts seen): the merge adds the parts' counts.
    std::uint32_t add_replica(MessageRecord m) {
        for (Delivery& d : m.deliveries) {
            Delivery fresh;
            fresh.device = d.device;
            fresh.sync = d.sync;
            fresh.relay_server = d.relay_server;
            d = std::move(fresh);
        }
        m.receipts.clear();
        m.receipt_for =
            m.receipt_for_key == kNoMessageKey ? UINT32_MAX : w_.journal.find(m.receipt_for_key);
        return w_.journal.add_replica(std::move(m));
    }
    World& w_;
};

}  // namespace

void check_supported(const ModelSpec& spec) {
    if (!net::make_routing_policy(spec.routing.policy)) {
        throw UnsupportedError("/routing/policy",
                               "routing policy \"" + spec.routing.policy +
                                   "\" is not implemented in this build yet (available: " +
                                   join(net::routing_policy_names()) + ")");
    }
    for (std::size_t i = 0; i < spec.faults.size(); ++i) {
        const FaultSpec& f = spec.faults[i];
        if (f.node && spec.nodes[*f.node].kind == net::NodeKind::Phone) {
            throw UnsupportedError("/faults/" + std::to_string(i) + "/node",
                                   "a fault on a phone is not modelled: describe a phone that "
                                   "goes away with \"presence\" instead");
        }
    }
}

void DeliveryCounts::count(const Delivery& d) {
    ++sent;
    switch (d.status()) {
        case Delivery::Status::Delivered:
            ++delivered;
            break;
        case Delivery::Status::Pending:
            ++pending;
            break;
        case Delivery::Status::Stored:
            ++stored;
            break;
        case Delivery::Status::Expired:
            ++expired;
            break;
        case Delivery::Status::Lost:
            ++lost;
            break;
    }
    if (d.read) ++read;
}

namespace {

struct EntityHash {
    EntityId id;
    std::uint64_t hash;
    friend bool operator<(const EntityHash& a, const EntityHash& b) { return a.id < b.id; }
};

/// What one part of a run knows at its end; a sequential run is the one part.
/// A population's access links, summed over the ports one part holds.
struct AccessTotals {
    net::PortStats up, down;
    Duration max_busy_up{0}, max_busy_down{0};
};

struct PartOutcome {
    /// Ports of listed links (population access links aside), by direction index
    /// 2 * link + (0: a->b, 1: b->a), in increasing order.
    std::vector<std::uint32_t> port_index;
    std::vector<net::PortStats> port_stats;
    std::vector<AccessTotals> access;   ///< per population block
    std::vector<ServerReport> servers;  ///< in node order
    PacketCounters counters;
    std::uint64_t datagrams_sent = 0, datagrams_delivered = 0, datagrams_dropped = 0;
    std::vector<Duration> datagram_delays;
    std::uint64_t events = 0;
    std::vector<EntityHash> hashes;
    std::uint8_t interrupted = 0;
    std::int64_t now = 0;
    double busy_s = 0, wait_s = 0;
    std::uint64_t remote_events = 0, windows = 0;
    std::vector<std::byte> journal;  ///< partitioned runs: this part's records

    std::vector<std::byte> bytes() const {
        std::vector<std::byte> out;
        ByteWriter b(out);
        b.put_all(std::span<const std::uint32_t>(port_index));
        b.put_all(std::span<const net::PortStats>(port_stats));
        b.put_all(std::span<const AccessTotals>(access));
        b.put_all(std::span<const ServerReport>(servers));
        b.put(counters);
        b.put(datagrams_sent);
        b.put(datagrams_delivered);
        b.put(datagrams_dropped);
        b.put_all(std::span<const Duration>(datagram_delays));
        b.put(events);
        b.put_all(std::span<const EntityHash>(hashes));
        b.put(interrupted);
        b.put(now);
        b.put(busy_s);
        b.put(wait_s);
        b.put(remote_events);
        b.put(windows);
        b.put_all(std::span<const std::byte>(journal));
        return out;
    }
    static PartOutcome from(std::span<const std::byte> in) {
        PartOutcome o;
        ByteReader b(in);
        b.get_all(o.port_index);
        b.get_all(o.port_stats);
        b.get_all(o.access);
        b.get_all(o.servers);
        o.counters = b.get<PacketCounters>();
        o.datagrams_sent = b.get<std::uint64_t>();
        o.datagrams_delivered = b.get<std::uint64_t>();
        o.datagrams_dropped = b.get<std::uint64_t>();
        b.get_all(o.datagram_delays);
        o.events = b.get<std::uint64_t>();
        b.get_all(o.hashes);
        o.interrupted = b.get<std::uint8_t>();
        o.now = b.get<std::int64_t>();
        o.busy_s = b.get<double>();
        o.wait_s = b.get<double>();
        o.remote_events = b.get<std::uint64_t>();
        o.windows = b.get<std::uint64_t>();
        b.get_all(o.journal);
        MSGSIM_CHECK(b.done(), "part outcome: bytes left over");
        return o;
    }
};

/// Folds the parts (in rank order) into one: each port and server belongs to one part.
PartOutcome merge(std::vector<PartOutcome> parts) {
    PartOutcome all = std::move(parts.front());
    for (std::size_t k = 1; k < parts.size(); ++k) {
        PartOutcome& p = parts[k];
        all.port_index.insert(all.port_index.end(), p.port_index.begin(), p.port_index.end());
        all.port_stats.insert(all.port_stats.end(), p.port_stats.begin(), p.port_stats.end());
        for (std::size_t i = 0; i < all.access.size(); ++i) {
            AccessTotals& a = all.access[i];
            const AccessTotals& b = p.access[i];
            a.up += b.up;
            a.down += b.down;
            a.max_busy_up = std::max(a.max_busy_up, b.max_busy_up);
            a.max_busy_down = std::max(a.max_busy_down, b.max_busy_down);
        }
        all.servers.insert(all.servers.end(), p.servers.begin(), p.servers.end());
        all.counters += p.counters;
        all.datagrams_sent += p.datagrams_sent;
        all.datagrams_delivered += p.datagrams_delivered;
        all.datagrams_dropped += p.datagrams_dropped;
        all.datagram_delays.insert(all.datagram_delays.end(), p.datagram_delays.begin(),
                                   p.datagram_delays.end());
        all.events += p.events;
        all.hashes.insert(all.hashes.end(), p.hashes.begin(), p.hashes.end());
        all.interrupted |= p.interrupted;
        MSGSIM_CHECK(p.now == all.now, "parts ended at different times");
    }
    // Ports in direction order (each is held by one part).
    std::vector<std::uint32_t> order(all.port_index.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return all.port_index[a] < all.port_index[b];
    });
    std::vector<std::uint32_t> index;
    std::vector<net::PortStats> stats;
    for (const std::uint32_t i : order) {
        MSGSIM_CHECK(index.empty() || index.back() != all.port_index[i], "a port held twice");
        index.push_back(all.port_index[i]);
        stats.push_back(all.port_stats[i]);
    }
    all.port_index = std::move(index);
    all.port_stats = std::move(stats);
    std::sort(all.servers.begin(), all.servers.end(),
              [](const ServerReport& a, const ServerReport& b) { return a.node < b.node; });
    std::sort(all.hashes.begin(), all.hashes.end());
    return all;
}

/// This part's journal: every record, with whether this part holds its creator.
std::vector<std::byte> journal_bytes(const Journal& j, const Scheduler& sched) {
    std::vector<std::byte> out;
    ByteWriter b(out);
    b.put<std::uint64_t>(j.messages().size());
    for (const MessageRecord& m : j.messages()) {
        b.put<std::uint8_t>(sched.local(static_cast<EntityId>(m.key >> 32)) ? 1 : 0);
        put_record(b, m);
    }
    return out;
}

/// One journal from the parts': each record as its creator's part has it, except the
/// deliveries to devices of other parts, which those parts wrote (resends are counted on
/// both sides: the backbone leg by the creator's part, the last leg by the device's). In
/// the sequential run's order: by creating event, then by creator's count.
std::vector<MessageRecord> merge_journals(const std::vector<std::vector<std::byte>>& parts,
                                          const std::vector<std::uint32_t>& part_of) {
    std::vector<MessageRecord> home;
    std::vector<std::pair<std::uint32_t, MessageRecord>> replicas;  // (part, record)
    for (std::uint32_t part = 0; part < parts.size(); ++part) {
        ByteReader b(parts[part]);
        const auto n = b.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n; ++i) {
            const bool is_home = b.get<std::uint8_t>() != 0;
            MessageRecord m = get_record(b);
            if (is_home) {
                home.push_back(std::move(m));
            } else {
                replicas.emplace_back(part, std::move(m));
            }
        }
        MSGSIM_CHECK(b.done(), "journal bytes left over");
    }
    std::sort(home.begin(), home.end(), [](const MessageRecord& a, const MessageRecord& b) {
        return std::tie(a.sent_at, a.made_in_src, a.made_in_seq, a.key) <
               std::tie(b.sent_at, b.made_in_src, b.made_in_seq, b.key);
    });
    std::unordered_map<MessageKey, std::uint32_t> index;
    for (std::uint32_t i = 0; i < home.size(); ++i)
        index.emplace(home[i].key, i);
    for (auto& [part, replica] : replicas) {
        const auto it = index.find(replica.key);
        MSGSIM_CHECK(it != index.end(), "a replica without its original");
        MessageRecord& m = home[it->second];
        MSGSIM_CHECK(m.deliveries.size() == replica.deliveries.size(), "replica mismatch");
        for (std::size_t k = 0; k < m.deliveries.size(); ++k) {
            Delivery& d = replica.deliveries[k];
            MSGSIM_CHECK(d.device == m.deliveries[k].device, "replica delivery mismatch");
            if (part_of[d.device] != part) continue;
            d.retransmissions += m.deliveries[k].retransmissions;
            m.deliveries[k] = std::move(d);
        }
    }
    for (MessageRecord& m : home) {
        if (m.receipt_for_key == kNoMessageKey) continue;
        const auto it = index.find(m.receipt_for_key);
        MSGSIM_CHECK(it != index.end(), "a receipt for an unknown message");
        m.receipt_for = it->second;
    }
    return home;
}

std::string link_name(const ModelSpec& spec, const net::LinkSpec& l) {
    return spec.nodes[l.a].id + "-" + spec.nodes[l.b].id;
}

/// Every rank computes the same partition (the partitioners are deterministic); rank 0's
/// is broadcast anyway, so that a library difference between machines cannot split them.
net::Partition partition_model(const ModelSpec& spec, net::PartitionMethod method, int ranks) {
    std::vector<net::NodeKind> kinds;
    std::vector<std::string> regions;
    for (const NodeSpec& n : spec.nodes) {
        kinds.push_back(n.kind);
        regions.push_back(n.region);
    }
    const std::vector<double> weights = expected_load(spec);
    net::PartitionInput in;
    in.kinds = kinds;
    in.regions = regions;
    in.links = spec.links;
    in.weights = weights;
    in.parts = static_cast<std::uint32_t>(ranks);
    in.method = method;
    net::Partition p;
    try {
        p = net::partition_topology(in);
    } catch (const std::invalid_argument& e) {
        throw UnsupportedError("/", e.what());
    }
    std::vector<std::byte> bytes(p.part_of.size() * sizeof(std::uint32_t));
    std::memcpy(bytes.data(), p.part_of.data(), bytes.size());
    bytes = ranks::broadcast(std::move(bytes));
    std::memcpy(p.part_of.data(), bytes.data(), bytes.size());
    if (ranks > 1) {
        for (const std::uint32_t i : p.cut_links) {
            const net::LinkSpec& l = spec.links[i];
            if (l.latency <= Duration{0}) {
                throw UnsupportedError(
                    "/links/" + std::to_string(i) + "/latency",
                    "link " + link_name(spec, l) + " joins two parts of the " +
                        std::to_string(ranks) +
                        "-rank run and has zero latency: no lookahead, "
                        "so the parts cannot run conservatively. Give it a latency, try the "
                        "other --partition method, or run with fewer ranks");
            }
        }
    }
    // The control plane, when there is one, is replicated in every part; what routers and
    // servers report to it reaches every copy one control delay later, which bounds the
    // lookahead.
    const bool least_loaded = spec.routing.server_selection == "least-loaded" ||
                              spec.routing.load_balancer == "least-loaded";
    const bool adaptive = net::make_routing_policy(spec.routing.policy)->adaptive();
    if (adaptive || least_loaded || !spec.faults.empty()) {
        p.part_of.push_back(Scheduler::kEveryPart);
        if ((adaptive || least_loaded) && ranks > 1)
            p.lookahead = std::min(p.lookahead, kControlDelay);
    }
    return p;
}

}  // namespace

void check_partitionable(const ModelSpec& spec, const RunHooks& hooks, int ranks) {
    const std::string n = std::to_string(ranks);
    auto refuse = [&](const std::string& path, const std::string& what) {
        throw UnsupportedError(path, "a run over " + n + " MPI ranks " + what +
                                         "; run it with one rank (without mpirun)");
    };
    if (spec.routing.load_balancer != "none")
        refuse("/routing/load_balancer", "cannot share a load balancer's state between parts yet");
    for (std::size_t i = 0; i < spec.faults.size(); ++i) {
        // A crashing server hands its messages over in ways that read the other parts'
        // deliveries; routers and links may fail.
        const FaultSpec& f = spec.faults[i];
        if (f.node && spec.nodes[*f.node].kind == net::NodeKind::Server)
            refuse("/faults/" + std::to_string(i) + "/node", "cannot crash a server yet");
    }
    if (hooks.on_event || hooks.observer != nullptr)
        refuse("/trace", "cannot trace packets or events, or export pcap/Chrome traces, yet");
    if (hooks.on_sample) refuse("/output/timeseries", "cannot sample time series yet");
}

std::vector<double> expected_load(const ModelSpec& spec) {
    const std::size_t n = spec.nodes.size();
    std::vector<double> load(n, 1.0);  // every node costs something to hold
    std::vector<net::NodeKind> kinds;
    for (const NodeSpec& node : spec.nodes)
        kinds.push_back(node.kind);
    net::Routing routing(kinds, spec.links, net::make_routing_policy("shortest-path"),
                         net::LinkState::all_up(spec.links.size()));
    std::vector<NodeIndex> access(n, net::kNoNode);
    for (const net::LinkSpec& l : spec.links) {
        if (kinds[l.a] == net::NodeKind::Phone) access[l.a] = l.b;
        if (kinds[l.b] == net::NodeKind::Phone) access[l.b] = l.a;
    }
    auto infra = [&](NodeIndex x) { return kinds[x] == net::NodeKind::Phone ? access[x] : x; };
    // `rate` packets per second from `from` to `to` add to every node on the route.
    auto route = [&](NodeIndex from, NodeIndex to, double rate) {
        load[from] += rate;
        NodeIndex at = infra(from);
        const NodeIndex dest = infra(to);
        for (std::size_t hops = 0; at != net::kNoNode && hops <= n; ++hops) {
            if (at != from) load[at] += rate;
            if (at == dest) break;
            at = routing.next_hop(at, dest);
        }
        if (to != dest) load[to] += rate;
    };
    for (const DatagramSpec& d : spec.datagrams)
        route(d.from, d.to, d.rate_per_s);
    // Messages: the sender's route to its nearest server, which then serves the recipient.
    std::vector<NodeIndex> servers;
    for (NodeIndex i = 0; i < n; ++i) {
        if (kinds[i] == net::NodeKind::Server) servers.push_back(i);
    }
    auto nearest_server = [&](NodeIndex device) {
        NodeIndex best = net::kNoNode;
        std::optional<Duration> best_d;
        const NodeIndex r = infra(device);
        for (const NodeIndex s : servers) {
            const auto d =
                r == s ? std::optional<Duration>{Duration{0}} : routing.least_latency(r, s);
            if (d && (!best_d || *d < *best_d)) {
                best_d = d;
                best = s;
            }
        }
        return best;
    };
    for (const PoissonSpec& ps : spec.poisson) {
        for (const UserIndex u : ps.users) {
            const NodeIndex device = spec.users[u].devices.front();
            const NodeIndex server = nearest_server(device);
            if (server != net::kNoNode) route(device, server, ps.rate_per_s);
        }
    }
    return load;
}

namespace {

/// One part of a run (the whole model in a sequential run): its world, kernel and nodes.
struct Part {
    std::unique_ptr<World> world;
    std::unique_ptr<Scheduler> sched;
    std::unique_ptr<PacketCodec> codec;
    std::vector<std::unique_ptr<Node>> nodes;
    std::unique_ptr<RoutingController> controller;
};

/// Builds part `mine` of `partition` (every node when `partition` is null).
Part build_part(const ModelSpec& spec, const RunHooks& hooks, const net::Partition* partition,
                std::uint32_t mine) {
    Part part;
    Builder builder(spec);
    part.world = builder.make_world();
    World& world = *part.world;
    world.observer = hooks.observer;
    builder.choose_servers(world);
    part.sched = std::make_unique<Scheduler>(hooks.queue);
    if (partition) {
        // The rest of the world (spec, routes, server choice) is the same in every part.
        builder.restrict_to(partition->part_of, mine);
        // Messages cross parts only between servers (over the backbone, where the lookahead
        // is): a device must be in its server's part.
        const bool messages = !spec.messages.empty() || !spec.poisson.empty();
        for (NodeIndex i = 0; messages && i < spec.nodes.size(); ++i) {
            if (!world.is_phone(i) || world.server_of[i] == net::kNoNode) continue;
            if (partition->part_of[i] != partition->part_of[world.server_of[i]]) {
                throw UnsupportedError(
                    "/routing/server_selection",
                    "device " + spec.nodes[i].id + " and its server " +
                        spec.nodes[world.server_of[i]].id + " fall in different parts of the " +
                        std::to_string(partition->parts) +
                        "-part run, and a device must share its server's part: " +
                        (hooks.partition == net::PartitionMethod::Region
                             ? "--partition region splits a region when there are fewer "
                               "server regions than ranks; run with at most as many ranks "
                               "as server regions"
                             : std::string("try --partition region")));
            }
        }
        world.journal.index_keys();
        part.codec = std::make_unique<PacketCodec>(world);
        part.sched->partition(partition->part_of, mine, part.codec.get());
    }
    part.nodes = builder.make_nodes(world, *part.sched);
    builder.schedule_faults(part.nodes, *part.sched);
    part.controller = builder.make_controller(world, *part.sched, part.nodes);
    for (auto& n : part.nodes) {
        if (auto* phone = dynamic_cast<Phone*>(n.get())) phone->schedule_traffic();
    }
    return part;
}

/// Runs a sequential part to the end, sampling time series on the way when asked.
void run_sequential(const ModelSpec& spec, const RunHooks& hooks, Part& part) {
    Scheduler& sched = *part.sched;
    const auto& nodes = part.nodes;
    if (hooks.on_event) {
        sched.set_event_hook(
            [](void* ctx, const Event& e) {
                (*static_cast<const std::function<void(const Event&)>*>(ctx))(e);
            },
            const_cast<std::function<void(const Event&)>*>(&hooks.on_event));
    }
    const Time end = kTimeZero + spec.duration;
    std::function<void(Time)> progress = [&](Time t) {
        if (hooks.stop && hooks.stop->load()) sched.stop();
        if (hooks.progress) hooks.progress(t);
    };
    if (!hooks.on_sample || hooks.sample_interval <= Duration{0}) {
        sched.run(end, progress, 1 << 14);
        return;
    }
    // Run in chunks of one interval: the kernel's state between two events is the
    // model's state at any instant in between. Nothing is scheduled for sampling.
    std::vector<const net::Port*> ports;  // in RunResult::links order
    for (const net::LinkSpec& l : spec.links) {
        for (const auto& [from, to] : {std::pair{l.a, l.b}, std::pair{l.b, l.a}}) {
            ports.push_back(
                &nodes[from]->ports()[static_cast<std::size_t>(nodes[from]->port_to(to))]);
        }
    }
    std::vector<const Server*> servers;
    for (auto& n : nodes) {
        if (const auto* server = dynamic_cast<const Server*>(n.get())) servers.push_back(server);
    }
    StateSample sample;
    auto take = [&](Time t) {
        sample.at = t;
        sample.links.clear();
        sample.servers.clear();
        for (const net::Port* port : ports) {
            sample.links.push_back(
                {port->queued_bytes(), port->queued_packets(), port->busy_until(t), port->up()});
        }
        for (const Server* server : servers) {
            sample.servers.push_back(
                {server->queued_now(), server->busy_workers_now(), server->stored_now()});
        }
        hooks.on_sample(sample);
    };
    take(kTimeZero);
    for (Time t = kTimeZero + hooks.sample_interval; !sched.stopped(); t += hooks.sample_interval) {
        const Time until = std::min(t, end);
        sched.run(until, progress, 1 << 14);
        if (sched.stopped()) break;
        take(until);
        if (until == end) break;
    }
}

/// What a part holds at the end: its ports, servers, counters, entities and journal.
PartOutcome outcome_of(const ModelSpec& spec, Part& p, const ParallelStats& pstats) {
    const auto& nodes = p.nodes;
    Scheduler& sched = *p.sched;
    World& world = *p.world;
    PartOutcome part;
    // A million access links are summed per population block here, not listed.
    std::vector<std::uint32_t> block_of(spec.links.size(), UINT32_MAX);
    for (std::uint32_t k = 0; k < spec.populations.size(); ++k) {
        const PopulationRange& pop = spec.populations[k];
        std::fill_n(block_of.begin() + pop.first_link, pop.devices, k);
    }
    part.access.resize(spec.populations.size());
    // Ports are numbered in link order at each node (make_nodes): no search needed.
    std::vector<std::uint32_t> next_port(spec.nodes.size(), 0);
    for (std::uint32_t i = 0; i < spec.links.size(); ++i) {
        const net::LinkSpec& l = spec.links[i];
        const std::uint32_t at[2] = {next_port[l.a]++, next_port[l.b]++};
        for (const auto& [dir, from] : {std::pair{0u, l.a}, std::pair{1u, l.b}}) {
            if (!nodes[from]) continue;
            const net::PortStats& st = nodes[from]->ports()[at[dir]].stats();
            if (block_of[i] == UINT32_MAX) {
                part.port_index.push_back(2 * i + dir);
                part.port_stats.push_back(st);
                continue;
            }
            // a -> b is the device's uplink (population links run device to router).
            AccessTotals& a = part.access[block_of[i]];
            (dir == 0 ? a.up : a.down) += st;
            Duration& max_busy = dir == 0 ? a.max_busy_up : a.max_busy_down;
            max_busy = std::max(max_busy, st.busy);
        }
    }
    for (auto& n : nodes) {
        if (auto* server = dynamic_cast<Server*>(n.get())) {
            server->expire_overdue(sched.now());
            part.servers.push_back(ServerReport{n->id(), server->stats(), server->stored_now()});
        }
    }
    part.counters = world.counters;
    part.datagrams_sent = world.datagrams.sent;
    part.datagrams_delivered = world.datagrams.delivered;
    part.datagrams_dropped = world.datagrams.dropped;
    part.datagram_delays = std::move(world.datagrams.delays);
    // A replicated entity's events count once, in part 0.
    part.events =
        sched.events_executed() - (sched.part() == 0 ? 0 : sched.replicated_events_executed());
    part.interrupted = sched.stopped() ? 1 : 0;
    part.now = sched.now().time_since_epoch().count();
    part.busy_s = pstats.busy_s;
    part.wait_s = pstats.wait_s;
    part.remote_events = pstats.remote_events;
    part.windows = pstats.windows;
    if (sched.partitioned()) {
        for (EntityId id = 0; id < nodes.size(); ++id) {
            if (sched.local(id)) part.hashes.push_back({id, sched.entity_hash(id)});
        }
        // The control plane is replicated: every copy ran the same events; part 0 reports.
        if (p.controller && sched.part() == 0)
            part.hashes.push_back({p.controller->id(), sched.entity_hash(p.controller->id())});
        part.journal = journal_bytes(world.journal, sched);
    }
    return part;
}

ParallelReport describe(const net::Partition& partition, net::PartitionMethod method,
                        const ParallelStats& pstats) {
    ParallelReport pr;
    pr.method = method;
    pr.ranks = partition.parts;
    pr.cut_links = static_cast<std::uint32_t>(partition.cut_links.size());
    pr.lookahead = partition.cut_links.empty() ? Duration{0} : partition.lookahead;
    pr.part_weight = partition.weight;
    pr.part_nodes.assign(pr.ranks, 0);
    for (const std::uint32_t p : partition.part_of) {
        if (p != Scheduler::kEveryPart) ++pr.part_nodes[p];
    }
    pr.windows = pstats.windows;
    return pr;
}

/// The parts' outcomes (as bytes, in part order) as one, with the merged journal.
PartOutcome merge_parts(const std::vector<std::vector<std::byte>>& gathered,
                        const net::Partition& partition, ParallelReport& pr, Journal& journal) {
    std::vector<PartOutcome> parts;
    for (const auto& bytes : gathered)
        parts.push_back(PartOutcome::from(bytes));
    std::vector<std::vector<std::byte>> journals;
    for (PartOutcome& p : parts)
        journals.push_back(std::move(p.journal));
    journal.assign(merge_journals(journals, partition.part_of));
    for (const PartOutcome& p : parts) {
        pr.part_events.push_back(p.events);
        pr.remote_events += p.remote_events;
        pr.busy_s.push_back(p.busy_s);
        pr.wait_s.push_back(p.wait_s);
    }
    PartOutcome all = merge(std::move(parts));
    MSGSIM_CHECK(all.hashes.size() == partition.part_of.size(), "an entity without a part");
    return all;
}

std::uint64_t fingerprint_of(const PartOutcome& all) {
    std::vector<std::uint64_t> hashes;
    for (const EntityHash& h : all.hashes)
        hashes.push_back(h.hash);
    return combine_fingerprint(hashes);
}

/// The result of a run from its (merged) outcome and journal: reports and conservation.
RunResult assemble(const ModelSpec& spec, PartOutcome part, Journal journal,
                   std::vector<RouteUpdate> route_updates, RunResult r) {
    r.interrupted = part.interrupted != 0;
    r.sim_time = Time{Duration{part.now}} - kTimeZero;
    r.events = part.events;
    r.packets = part.counters;
    r.datagrams.sent = part.datagrams_sent;
    r.datagrams.delivered = part.datagrams_delivered;
    r.datagrams.dropped = part.datagrams_dropped;
    r.datagrams.delays = std::move(part.datagram_delays);
    r.route_updates = std::move(route_updates);
    for (std::size_t k = 0; k < spec.populations.size(); ++k) {
        const PopulationRange& p = spec.populations[k];
        const AccessTotals& a = part.access[k];
        r.populations.push_back(PopulationReport{p.name, p.users, p.devices, a.up, a.down,
                                                 a.max_busy_up, a.max_busy_down});
    }
    MSGSIM_CHECK(part.port_index.size() % 2 == 0, "a listed link with one direction");
    for (std::size_t j = 0; j < part.port_index.size(); ++j) {
        const std::uint32_t d = part.port_index[j];
        const net::LinkSpec& l = spec.links[d / 2];
        MSGSIM_CHECK(d % 2 == j % 2, "a listed link with one direction");
        r.links.push_back(d % 2 == 0 ? LinkReport{l.a, l.b, l.bandwidth_bps, part.port_stats[j]}
                                     : LinkReport{l.b, l.a, l.bandwidth_bps, part.port_stats[j]});
    }
    std::uint64_t stored_in_servers = 0;
    for (const ServerReport& s : part.servers)
        stored_in_servers += s.stored_at_end;
    r.servers = std::move(part.servers);
    r.journal = std::move(journal);

    // Conservation (SPEC.md): every (message, recipient device) pair is in exactly one
    // state, and the journal agrees with what the servers hold.
    for (const MessageRecord& m : r.journal.messages()) {
        for (const Delivery& d : m.deliveries) {
            switch (m.kind) {
                case MessageKind::User:
                    (d.sync ? r.sync : r.deliveries).count(d);
                    break;
                case MessageKind::DeliveryReceipt:
                    r.receipts_delivered.count(d);
                    break;
                case MessageKind::ReadReceipt:
                    r.receipts_read.count(d);
                    break;
            }
        }
    }
    for (const DeliveryCounts* c :
         {&r.deliveries, &r.sync, &r.receipts_delivered, &r.receipts_read}) {
        MSGSIM_CHECK(c->conserved(),
                     "conservation: sent != delivered + pending + stored + expired + lost");
    }
    const std::uint64_t stored =
        r.deliveries.stored + r.sync.stored + r.receipts_delivered.stored + r.receipts_read.stored;
    MSGSIM_CHECK(stored == stored_in_servers,
                 "conservation: journal says " + std::to_string(stored) + " stored, servers hold " +
                     std::to_string(stored_in_servers));
    return r;
}

}  // namespace

RunResult run_simulation(const ModelSpec& spec, const RunHooks& hooks) {
    const auto wall_start = std::chrono::steady_clock::now();
    auto finish = [&](RunResult r) {
        r.wall_time_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        return r;
    };
    auto since = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    };
    if (!hooks.partition) {
        Part part = build_part(spec, hooks, nullptr, 0);
        RunTimes times;
        times.build_s = since(wall_start);
        const auto loop_start = std::chrono::steady_clock::now();
        const std::clock_t cpu_start = std::clock();
        run_sequential(spec, hooks, part);
        times.loop_cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
        times.loop_s = since(loop_start);
        const auto finish_start = std::chrono::steady_clock::now();
        RunResult r;
        r.fingerprint = part.sched->fingerprint();
        PartOutcome outcome = outcome_of(spec, part, ParallelStats{});
        r = assemble(spec, std::move(outcome), std::move(part.world->journal),
                     std::move(part.world->route_updates), std::move(r));
        times.finish_s = since(finish_start);
        r.times = times;
        return finish(std::move(r));
    }
    // One part per MPI rank; rank 0 merges the parts, the others are done once they have
    // sent theirs.
    check_partitionable(spec, hooks, ranks::size());
    const net::Partition partition = partition_model(spec, *hooks.partition, ranks::size());
    const auto rank = static_cast<std::uint32_t>(ranks::rank());
    Part part = build_part(spec, hooks, &partition, rank);
    const double build_s = since(wall_start);
    WindowHooks wh;
    if (rank == 0) wh.progress = hooks.progress;
    wh.stop = hooks.stop;
    auto t = std::chrono::steady_clock::now();
    const ParallelStats pstats =
        run_over_ranks(*part.sched, partition.lookahead, kTimeZero + spec.duration, wh);
    const double windows_s = since(t);
    t = std::chrono::steady_clock::now();
    std::vector<std::byte> mine = outcome_of(spec, part, pstats).bytes();
    const auto gathered = ranks::gather(mine);
    mine = {};
    RunResult r;
    ParallelReport pr = describe(partition, *hooks.partition, pstats);
    pr.build_s = build_s;
    pr.windows_s = windows_s;
    if (rank != 0) {
        r.parallel = std::move(pr);
        r.interrupted = part.sched->stopped();
        return r;
    }
    // Route changes: every part's copy of the control plane published the same ones.
    std::vector<RouteUpdate> route_updates = std::move(part.world->route_updates);
    Journal journal;
    PartOutcome all = merge_parts(gathered, partition, pr, journal);
    r.fingerprint = fingerprint_of(all);
    pr.merge_s = since(t);
    r.parallel = std::move(pr);
    r = assemble(spec, std::move(all), std::move(journal), std::move(route_updates), std::move(r));
    return finish(std::move(r));
}

RunResult run_simulation_in_parts(const ModelSpec& spec, net::PartitionMethod method,
                                  std::uint32_t parts, QueueKind queue) {
    const auto wall_start = std::chrono::steady_clock::now();
    RunHooks hooks;
    hooks.partition = method;
    hooks.queue = queue;
    check_partitionable(spec, hooks, static_cast<int>(parts));
    const net::Partition partition = partition_model(spec, method, static_cast<int>(parts));
    std::vector<Part> built;
    std::vector<Scheduler*> scheds;
    for (std::uint32_t k = 0; k < parts; ++k) {
        built.push_back(build_part(spec, hooks, &partition, k));
        scheds.push_back(built.back().sched.get());
    }
    const ParallelStats pstats =
        run_parts_in_process(scheds, partition.lookahead, kTimeZero + spec.duration);
    // Through bytes, as over MPI.
    std::vector<std::vector<std::byte>> gathered;
    for (Part& p : built)
        gathered.push_back(outcome_of(spec, p, pstats).bytes());
    ParallelReport pr = describe(partition, method, pstats);
    Journal journal;
    PartOutcome all = merge_parts(gathered, partition, pr, journal);
    RunResult r;
    r.fingerprint = fingerprint_of(all);
    r.parallel = std::move(pr);
    r = assemble(spec, std::move(all), std::move(journal),
                 std::move(built.front().world->route_updates), std::move(r));
    r.wall_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return r;
}

}  // namespace sim::model
