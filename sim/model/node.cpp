#include "sim/model/node.hpp"

#include <algorithm>
#include <iterator>

#include "sim/core/check.hpp"

namespace sim::model {

const char* event_name(EventKind kind) {
    // In the order of the ev enumeration.
    static constexpr const char* kNames[] = {
        "?",          "packet_arrive", "tx_done",     "port_down",    "port_up",
        "node_down",  "node_up",       "compose",     "poisson_next", "send_ready",
        "rto",        "device_step",   "read",        "service_done", "reconnect",
        "busy_retry", "datagram_next", "report_tick", "link_report",  "load_report",
        "route_tick", "fault_change",  "push_woke",   "presence",     "conn_reset"};
    static_assert(std::size(kNames) == ev::ConnReset + 1, "one name per event kind");
    return kind < std::size(kNames) ? kNames[kind] : "?";
}

Node::Node(NodeIndex id, World& world) : Entity(id), world_(world) {}

std::uint32_t Node::add_port(net::Port port) {
    const auto index = static_cast<std::uint32_t>(ports_.size());
    const std::pair<NodeIndex, std::uint32_t> entry{port.peer(), index};
    port_of_.insert(std::upper_bound(port_of_.begin(), port_of_.end(), entry), entry);
    ports_.push_back(std::move(port));
    return index;
}

std::int64_t Node::port_to(NodeIndex neighbour) const {
    const auto it = std::lower_bound(port_of_.begin(), port_of_.end(),
                                     std::pair<NodeIndex, std::uint32_t>{neighbour, 0});
    return it != port_of_.end() && it->first == neighbour ? it->second : -1;
}

void Node::on_event(const Event& e) {
    switch (e.kind) {
        case ev::PacketArrive:
            on_arrive(static_cast<std::uint32_t>(e.payload), e.slot);
            return;
        case ev::TxDone:
            on_tx_done(e);
            return;
        case ev::PortDown:
            take_port_down(e.slot);
            return;
        case ev::PortUp:
            bring_port_up(e.slot);
            return;
        case ev::NodeDown:
            down_ = true;
            for (std::uint32_t p = 0; p < ports_.size(); ++p)
                take_port_down(p);
            on_node_down();
            return;
        case ev::NodeUp:
            down_ = false;
            for (std::uint32_t p = 0; p < ports_.size(); ++p)
                bring_port_up(p);
            on_node_up();
            return;
        case ev::ReportTick:
            send_reports();
            send(id(), world_.spec.routing.update_interval, ev::ReportTick);
            return;
        default:
            on_model_event(e);
    }
}

void Node::enable_reports(EntityId controller, std::vector<std::uint32_t> directions) {
    controller_ = controller;
    reporting_ = true;
    port_direction_ = std::move(directions);
}

void Node::send_reports() {
    if (!world_.routing().policy().adaptive()) return;
    for (std::size_t i = 0; i < ports_.size(); ++i) {
        const net::Port& port = ports_[i];
        if (world_.is_phone(port.peer())) continue;  // access ports never carry transit
        // The wait a packet joining the queue now would see.
        const Duration backlog = transmission_time(port.queued_bytes(), port.bandwidth_bps());
        send(controller_, kControlDelay, ev::LinkReport,
             static_cast<std::uint64_t>(backlog.count()), port_direction_[i]);
    }
}

void Node::on_model_event(const Event& e) {
    MSGSIM_CHECK(false, "node " + world_.spec.nodes[id()].id + " got unexpected event kind " +
                            std::to_string(e.kind));
}

void Node::receive(std::uint32_t pid) {
    MSGSIM_CHECK(false, "packet " + std::to_string(pid) + " addressed to router " +
                            world_.spec.nodes[id()].id);
}

void Node::discard(std::uint32_t pid, PacketObserver::What why) {
    if (world_.packets[pid].kind == Packet::Kind::Datagram) ++world_.datagrams.dropped;
    if (world_.observer)
        world_.observer->on_packet(now(), why, id(), net::kNoNode, world_.packets[pid]);
    world_.packets.release(pid);
}

namespace {
/// A flow is a pair of transport endpoints: ECMP keeps it on one path.
std::uint64_t flow_of(const Packet& p) {
    return (std::uint64_t{p.src} << 32) | p.dst;
}
}  // namespace

void Node::transmit(std::uint32_t pid) {
    Packet& p = world_.packets[pid];
    NodeIndex hop = net::kNoNode;
    std::int64_t port = -1;
    if (world_.is_phone(id())) {
        port = ports_.empty() ? -1 : 0;  // a phone's one link
        return start_hop_or_drop(port, pid);
    }
    if (p.dst_kind == Packet::DstKind::Unknown) {
        if (world_.is_phone(p.dst)) {
            p.dst_kind = Packet::DstKind::Phone;
            p.dst_router = world_.access_router[p.dst];
            p.dst_router_port = world_.router_port[p.dst];
        } else {
            p.dst_kind = Packet::DstKind::Other;
        }
    }
    if (p.dst_kind == Packet::DstKind::Phone) {
        // Phones are leaves: route to their access router, then take the last hop (whose
        // port is known, not searched among a router's many phones).
        if (p.dst_router == id()) {
            port = p.dst_router_port;
        } else {
            hop = world_.routing().next_hop(id(), p.dst_router, flow_of(p));
        }
    } else {
        hop = world_.routing().next_hop(id(), p.dst, flow_of(p));
    }
    if (hop != net::kNoNode) port = port_to(hop);
    start_hop_or_drop(port, pid);
}

void Node::start_hop_or_drop(std::int64_t port, std::uint32_t pid) {
    if (port < 0) {
        ++world_.counters.drops_no_route;
        discard(pid, PacketObserver::What::DroppedLinkDown);
        return;
    }
    start_hop(static_cast<std::uint32_t>(port), pid);
}

void Node::start_hop(std::uint32_t port_index, std::uint32_t pid) {
    net::Port& port = ports_[port_index];
    Packet& p = world_.packets[pid];
    p.hop_mark = now();
    p.hop_is_access = world_.is_phone(id()) || world_.is_phone(port.peer());
    switch (port.offer(pid, p.bytes, now())) {
        case net::Port::Admit::StartNow:
            send(id(), port.tx_time(p.bytes), ev::TxDone, port.epoch(), port_index);
            return;
        case net::Port::Admit::Queued:
            return;
        case net::Port::Admit::DroppedFull:
            ++world_.counters.drops_queue_full;
            discard(pid, PacketObserver::What::DroppedQueueFull);
            return;
        case net::Port::Admit::DroppedEarly:
            ++world_.counters.drops_red;
            discard(pid, PacketObserver::What::DroppedQueueFull);
            return;
        case net::Port::Admit::DroppedDown:
            ++world_.counters.drops_link_down;
            discard(pid, PacketObserver::What::DroppedLinkDown);
            return;
    }
}

void Node::on_tx_done(const Event& e) {
    net::Port& port = ports_[e.slot];
    if (e.payload != port.epoch()) return;  // the link went down during this transmission
    const Time t = now();
    const auto done = port.finish(t);
    Packet& p = world_.packets[done.packet.packet];
    // The wait in the queue ended when transmission started; account it now.
    const Duration tx = port.tx_time(done.packet.bytes);
    const Duration wait = (t - tx) - p.hop_mark;
    (p.hop_is_access ? p.access : p.queueing) += wait;
    p.hop_mark = t - tx;  // transmission start; propagation is added on arrival
    if (done.delivered) {
        if (world_.observer)
            world_.observer->on_packet(t, PacketObserver::What::Sent, id(), port.peer(), p);
        send(port.peer(), port.latency(), ev::PacketArrive, done.packet.packet, port.reverse());
    } else {
        ++world_.counters.drops_loss;
        discard(done.packet.packet, PacketObserver::What::Lost);
    }
    if (done.next) {
        send(id(), port.tx_time(done.next->bytes), ev::TxDone, port.epoch(), e.slot);
    }
}

void Node::on_arrive(std::uint32_t pid, std::uint32_t back) {
    Packet& p = world_.packets[pid];
    (p.hop_is_access ? p.access : p.network) += now() - p.hop_mark;
    p.path.push_back(id());
    // A packet still propagating when its link went down is lost with the link: `back` is
    // this node's port on the link it came over (the sending port's reverse).
    if (down_ || (ports_down_ != 0 && !ports_[back].up())) {
        ++world_.counters.drops_link_down;
        discard(pid, PacketObserver::What::DroppedLinkDown);
        return;
    }
    if (world_.observer)
        world_.observer->on_packet(now(), PacketObserver::What::Arrived, id(), net::kNoNode, p);
    if (p.dst == id()) {
        receive(pid);
    } else {
        transmit(pid);
    }
}

void Node::take_port_down(std::uint32_t port) {
    if (ports_[port].up()) ++ports_down_;
    for (const auto& q : ports_[port].go_down()) {
        ++world_.counters.drops_link_down;
        discard(q.packet, PacketObserver::What::DroppedLinkDown);
    }
}

void Node::bring_port_up(std::uint32_t port) {
    if (!ports_[port].up()) --ports_down_;
    ports_[port].go_up();
}

}  // namespace sim::model
