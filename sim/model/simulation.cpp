#include "sim/model/simulation.hpp"

#include <chrono>
#include <memory>

#include "sim/core/check.hpp"
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
            if (w.is_phone(n->id())) continue;
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

    std::vector<std::unique_ptr<Node>> make_nodes(World& w, Scheduler& sched) {
        std::vector<std::unique_ptr<Node>> nodes;
        nodes.reserve(spec_.nodes.size());
        for (NodeIndex i = 0; i < spec_.nodes.size(); ++i) {
            switch (spec_.nodes[i].kind) {
                case net::NodeKind::Phone:
                    nodes.push_back(std::make_unique<Phone>(i, w));
                    break;
                case net::NodeKind::Server:
                    nodes.push_back(std::make_unique<Server>(i, w));
                    break;
                case net::NodeKind::Router:
                    nodes.push_back(std::make_unique<Node>(i, w));
                    break;
            }
            sched.add(*nodes.back());
        }
        std::vector<std::uint32_t> degree(spec_.nodes.size(), 0);
        for (const net::LinkSpec& l : spec_.links) {
            ++degree[l.a];
            ++degree[l.b];
        }
        for (NodeIndex i = 0; i < spec_.nodes.size(); ++i)
            nodes[i]->reserve_ports(degree[i]);
        for (const net::LinkSpec& l : spec_.links) {
            // Each direction draws its losses from its own stream, keyed by its endpoints.
            const std::uint32_t at_a = nodes[l.a]->add_port(net::Port(
                l, l.b, Rng(spec_.seed, (std::uint64_t{l.a} << 32) | l.b, StreamTag::Loss)));
            const std::uint32_t at_b = nodes[l.b]->add_port(net::Port(
                l, l.a, Rng(spec_.seed, (std::uint64_t{l.b} << 32) | l.a, StreamTag::Loss)));
            nodes[l.a]->set_port_reverse(at_a, at_b);
            nodes[l.b]->set_port_reverse(at_b, at_a);
            if (w.is_phone(l.a)) w.router_port[l.a] = at_b;
            if (w.is_phone(l.b)) w.router_port[l.b] = at_a;
        }
        return nodes;
    }

    /// Faults and presence become port and node events, scheduled by their targets.
    void schedule_faults(const std::vector<std::unique_ptr<Node>>& nodes, Scheduler& sched) {
        auto at = [&](NodeIndex target, Time t, EventKind kind, std::uint32_t slot) {
            sched.schedule(Event{
                .when = t, .seq = 0, .src = target, .dst = target, .slot = slot, .kind = kind});
        };
        auto link_events = [&](NodeIndex a, NodeIndex b, Time down, Time up) {
            const std::int64_t pa = nodes[a]->port_to(b);
            const std::int64_t pb = nodes[b]->port_to(a);
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
            if (p.offline.empty()) continue;
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

RunResult run_simulation(const ModelSpec& spec, const RunHooks& hooks) {
    const auto wall_start = std::chrono::steady_clock::now();
    Builder builder(spec);
    std::unique_ptr<World> world = builder.make_world();
    world->observer = hooks.observer;
    builder.choose_servers(*world);
    Scheduler sched(hooks.queue);
    auto nodes = builder.make_nodes(*world, sched);
    builder.schedule_faults(nodes, sched);
    const auto controller = builder.make_controller(*world, sched, nodes);
    for (auto& n : nodes) {
        if (auto* phone = dynamic_cast<Phone*>(n.get())) phone->schedule_traffic();
    }

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
    if (hooks.on_sample && hooks.sample_interval > Duration{0}) {
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
            if (const auto* server = dynamic_cast<const Server*>(n.get()))
                servers.push_back(server);
        }
        StateSample sample;
        auto take = [&](Time t) {
            sample.at = t;
            sample.links.clear();
            sample.servers.clear();
            for (const net::Port* port : ports) {
                sample.links.push_back({port->queued_bytes(), port->queued_packets(),
                                        port->busy_until(t), port->up()});
            }
            for (const Server* server : servers) {
                sample.servers.push_back(
                    {server->queued_now(), server->busy_workers_now(), server->stored_now()});
            }
            hooks.on_sample(sample);
        };
        take(kTimeZero);
        for (Time t = kTimeZero + hooks.sample_interval; !sched.stopped();
             t += hooks.sample_interval) {
            const Time until = std::min(t, end);
            sched.run(until, progress, 1 << 14);
            if (sched.stopped()) break;
            take(until);
            if (until == end) break;
        }
    } else {
        sched.run(end, progress, 1 << 14);
    }

    RunResult r;
    r.interrupted = sched.stopped();
    r.sim_time = sched.now() - kTimeZero;
    r.events = sched.events_executed();
    r.fingerprint = sched.fingerprint();
    r.packets = world->counters;
    r.datagrams = std::move(world->datagrams);
    r.route_updates = std::move(world->route_updates);
    const auto port = [&](NodeIndex from, NodeIndex to) -> const net::Port& {
        return nodes[from]->ports()[static_cast<std::size_t>(nodes[from]->port_to(to))];
    };
    std::vector<char> generated(spec.links.size(), 0);
    for (const PopulationRange& p : spec.populations) {
        PopulationReport pr;
        pr.name = p.name;
        pr.users = p.users;
        pr.devices = p.devices;
        for (std::uint32_t k = 0; k < p.devices; ++k) {
            const net::LinkSpec& l = spec.links[p.first_link + k];
            generated[p.first_link + k] = 1;
            const net::PortStats& up = port(l.a, l.b).stats();
            const net::PortStats& down = port(l.b, l.a).stats();
            pr.uplink += up;
            pr.downlink += down;
            pr.max_busy_up = std::max(pr.max_busy_up, up.busy);
            pr.max_busy_down = std::max(pr.max_busy_down, down.busy);
        }
        r.populations.push_back(std::move(pr));
    }
    for (std::size_t i = 0; i < spec.links.size(); ++i) {
        if (generated[i]) continue;
        const net::LinkSpec& l = spec.links[i];
        for (const auto& [from, to] : {std::pair{l.a, l.b}, std::pair{l.b, l.a}}) {
            const net::Port& p = port(from, to);
            r.links.push_back(LinkReport{from, to, p.bandwidth_bps(), p.stats()});
        }
    }
    std::uint64_t stored_in_servers = 0;
    for (auto& n : nodes) {
        if (auto* server = dynamic_cast<Server*>(n.get())) {
            server->expire_overdue(sched.now());
            r.servers.push_back(ServerReport{n->id(), server->stats(), server->stored_now()});
            stored_in_servers += server->stored_now();
        }
    }
    r.journal = std::move(world->journal);

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
    r.wall_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return r;
}

}  // namespace sim::model
