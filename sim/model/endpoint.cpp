#include "sim/model/endpoint.hpp"

#include <algorithm>
#include <cmath>

#include "sim/core/check.hpp"
#include "sim/model/world.hpp"

namespace sim::model {

void Endpoint::start_transfer(std::uint32_t message, NodeIndex peer, std::uint8_t leg,
                              std::uint64_t wire_bytes, Time leg_start, std::uint32_t generation) {
    const ProtocolSpec& proto = world_.spec.protocol;
    const std::uint64_t payload = proto.mtu - proto.header;
    const std::uint64_t count = std::max<std::uint64_t>(1, (wire_bytes + payload - 1) / payload);
    MSGSIM_CHECK(count < UINT32_MAX, "message too large to packetize");
    MSGSIM_CHECK(!st().transfer_of.contains(key(message, peer)), "transfer already running");

    std::uint32_t slot;
    if (!st().free_transfers.empty()) {
        slot = st().free_transfers.back();
        st().free_transfers.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(st().transfers.size());
        st().transfers.emplace_back();
    }
    Transfer& t = st().transfers[slot];
    t.message = message;
    t.peer = peer;
    t.leg = leg;
    t.generation = generation;
    t.leg_start = leg_start;
    t.unacked = static_cast<std::uint32_t>(count);
    t.retry = leg_start < now();
    t.segments.assign(count, Segment{});
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t chunk = i + 1 < count ? payload : wire_bytes - payload * (count - 1);
        t.segments[i].bytes = static_cast<std::uint32_t>(chunk + proto.header);
    }
    st().transfer_of.emplace(key(message, peer), slot);
    const std::uint32_t window = std::max<std::uint32_t>(1, proto.transport.window);
    t.next_unsent = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, window));
    for (std::uint32_t seq = 0, n = t.next_unsent; seq < n; ++seq) {
        if (!send_segment(slot, seq)) break;  // the peer is unreachable: aborted
    }
}

void Endpoint::attribute_leg(const Packet& p, Stages& stages) const {
    // Before its first copy the packet waited for the window at the sender, like a queue
    // at its first link: access when a phone sends, queueing when a server does.
    const Duration window_wait = p.first_sent - p.leg_start;
    const Duration retransmit = p.sent - p.first_sent;
    const Duration along = window_wait + retransmit + p.access + p.queueing + p.network;
    const Duration reassembly = (now() - p.leg_start) - along;
    MSGSIM_CHECK(window_wait.count() >= 0 && retransmit.count() >= 0 && reassembly.count() >= 0,
                 "a leg's stages exceed its duration");
    stages[world_.is_phone(p.src) ? Stage::Access : Stage::Queueing] += window_wait;
    stages[Stage::Retransmit] += retransmit;
    stages[Stage::Access] += p.access;
    stages[Stage::Queueing] += p.queueing;
    stages[Stage::Network] += p.network;
    stages[Stage::Reassembly] += reassembly;
}

Duration Endpoint::rto_for(std::uint32_t copies) const {
    // rto * backoff^(copies - 1), capped at the backoff reached after max_retries: a
    // messaging app keeps trying a broken connection at that pace instead of losing it.
    const TransportSpec& tr = world_.spec.protocol.transport;
    const std::uint32_t exponent = std::min(copies > 0 ? copies - 1 : 0, tr.max_retries);
    const double scaled = static_cast<double>(tr.rto.count()) * std::pow(tr.backoff, exponent);
    return Duration{static_cast<std::int64_t>(std::min(scaled, 8.64e13))};  // at most a day
}

bool Endpoint::send_segment(std::uint32_t slot, std::uint32_t seq) {
    Transfer& t = st().transfers[slot];
    Segment& s = t.segments[seq];
    const Time when = sendable_at(t.peer);
    if (when == kTimeMax) {
        const std::uint32_t message = t.message;
        const NodeIndex peer = t.peer;
        const Time leg_start = t.leg_start;
        abort_transfer(message, peer);
        on_peer_unreachable(message, peer, leg_start);
        return false;
    }
    const std::uint64_t payload = (std::uint64_t{slot} << 32) | seq;
    if (s.copies == 0) s.first_sent = t.retry ? t.leg_start : now();
    if (when > now()) {
        // Not connected yet: try again when we can, without counting a copy.
        s.timer = start_timer(when - now(), ev::Rto, payload);
        return true;
    }
    ++s.copies;
    if (s.copies > 1) {
        ++world_.counters.retransmissions;
        on_retransmission(t.message, t.peer);
    }
    if (s.copies == world_.spec.protocol.transport.max_retries + 1)
        ++world_.counters.resends_capped;
    ++world_.counters.sent;

    const std::uint32_t pid = world_.packets.make();
    Packet& p = world_.packets[pid];
    p.kind = Packet::Kind::Data;
    p.leg = t.leg;
    p.src = id();
    p.dst = t.peer;
    p.message = t.message;
    p.seq = seq;
    p.count = static_cast<std::uint32_t>(t.segments.size());
    p.bytes = s.bytes;
    p.copy = s.copies - 1;
    p.generation = t.generation;
    p.leg_start = t.leg_start;
    p.first_sent = s.first_sent;
    p.sent = now();
    p.path.push_back(id());
    s.timer = start_timer(rto_for(s.copies), ev::Rto, payload);
    transmit(pid);
    return true;
}

bool Endpoint::abort_transfer(std::uint32_t message, NodeIndex peer) {
    const auto it = st().transfer_of.find(key(message, peer));
    if (it == st().transfer_of.end()) return false;
    const std::uint32_t slot = it->second;
    for (Segment& s : st().transfers[slot].segments)
        cancel_timer(s.timer);
    finish_transfer(slot);
    return true;
}

void Endpoint::finish_transfer(std::uint32_t slot) {
    Transfer& t = st().transfers[slot];
    st().transfer_of.erase(key(t.message, t.peer));
    t.segments.clear();
    st().free_transfers.push_back(slot);
}

void Endpoint::on_rto(std::uint32_t slot, std::uint32_t seq) {
    Transfer& t = st().transfers[slot];
    MSGSIM_CHECK(seq < t.segments.size() && !t.segments[seq].acked,
                 "retransmission timer of a finished segment fired");
    t.segments[seq].timer = TimerHandle{};
    send_segment(slot, seq);
}

void Endpoint::send_control(Packet::Kind kind, std::uint32_t message, NodeIndex peer,
                            std::uint32_t generation, Time leg_start) {
    const std::uint32_t pid = world_.packets.make();
    Packet& p = world_.packets[pid];
    p.kind = kind;
    p.src = id();
    p.dst = peer;
    p.message = message;
    p.generation = generation;
    p.bytes = static_cast<std::uint32_t>(world_.spec.protocol.header);
    p.sent = p.first_sent = now();
    p.leg_start = leg_start;
    p.path.push_back(id());
    ++world_.counters.sent;
    transmit(pid);
}

void Endpoint::forget_received(std::uint32_t message, NodeIndex src) {
    st().assemblies.erase(key(message, src));
}

std::vector<Endpoint::Interrupted> Endpoint::abort_all_transfers() {
    std::vector<Interrupted> out;
    for (const auto& [k, slot] : st().transfer_of) {
        const Transfer& t = st().transfers[slot];
        out.push_back(Interrupted{t.message, t.peer, t.generation, t.leg_start});
    }
    std::sort(out.begin(), out.end());  // the hash map's order is no order
    for (const Interrupted& i : out)
        abort_transfer(i.message, i.peer);
    return out;
}

std::vector<Endpoint::Interrupted> Endpoint::forget_all_received() {
    std::vector<Interrupted> out;
    for (const auto& [k, a] : st().assemblies) {
        if (a.received == a.got.size()) continue;  // complete: the owner knows the message
        out.push_back(Interrupted{static_cast<std::uint32_t>(k >> 32),
                                  static_cast<NodeIndex>(k & 0xffffffffu), a.generation, Time{}});
    }
    std::sort(out.begin(), out.end());
    st().assemblies.clear();
    return out;
}

Time Endpoint::sendable_at(NodeIndex /*peer*/) {
    return now();
}

void Endpoint::on_peer_unreachable(std::uint32_t /*message*/, NodeIndex /*peer*/,
                                   Time /*leg_start*/) {}

void Endpoint::on_control(std::uint32_t /*pid*/) {}

void Endpoint::on_transfer_acked(std::uint32_t /*message*/, NodeIndex /*peer*/) {}

void Endpoint::receive(std::uint32_t pid) {
    ++world_.counters.delivered;
    if (world_.observer) {
        world_.observer->on_packet(now(), PacketObserver::What::Delivered, id(), net::kNoNode,
                                   world_.packets[pid]);
    }
    switch (world_.packets[pid].kind) {
        case Packet::Kind::Data:
            on_data(pid);
            break;
        case Packet::Kind::Ack:
            on_ack(pid);
            break;
        case Packet::Kind::Busy:
            on_control(pid);
            break;
        case Packet::Kind::Datagram: {
            // No transport: a datagram is counted and its one-way delay kept.
            DatagramCounters& d = world_.datagrams;
            ++d.delivered;
            d.delays.push_back(now() - world_.packets[pid].sent);
            break;
        }
    }
    world_.packets.release(pid);
}

void Endpoint::on_data(std::uint32_t pid) {
    const Packet& p = world_.packets[pid];
    Assembly& a = st().assemblies[key(p.message, p.src)];
    if (a.got.empty() || p.generation > a.generation) {
        a.generation = p.generation;
        a.received = 0;
        a.got.assign(p.count, 0);
    }
    if (p.generation < a.generation) return;  // a stale attempt; the sender moved on

    // Acknowledge every copy, duplicates too: the first ack may have been lost.
    const std::uint32_t ack = world_.packets.make();
    Packet& q = world_.packets[ack];
    const Packet& d = world_.packets[pid];  // re-fetch: make() may have grown the pool
    q.kind = Packet::Kind::Ack;
    q.leg = d.leg;
    q.src = id();
    q.dst = d.src;
    q.message = d.message;
    q.seq = d.seq;
    q.generation = d.generation;
    q.bytes = static_cast<std::uint32_t>(world_.spec.protocol.header);
    q.sent = q.first_sent = q.leg_start = now();
    q.path.push_back(id());
    ++world_.counters.sent;
    transmit(ack);

    const Packet& dp = world_.packets[pid];
    if (a.got[dp.seq]) return;  // duplicate
    a.got[dp.seq] = 1;
    if (++a.received == dp.count) on_message(pid);
}

void Endpoint::on_ack(std::uint32_t pid) {
    const Packet& p = world_.packets[pid];
    const auto it = st().transfer_of.find(key(p.message, p.src));
    if (it == st().transfer_of.end()) return;  // the transfer already finished or was aborted
    Transfer& t = st().transfers[it->second];
    if (p.generation != t.generation) return;
    Segment& s = t.segments[p.seq];
    if (s.acked) return;
    s.acked = true;
    cancel_timer(s.timer);
    const std::uint32_t slot = it->second;
    if (--t.unacked == 0) {
        const std::uint32_t message = t.message;
        const NodeIndex peer = t.peer;
        finish_transfer(slot);
        on_transfer_acked(message, peer);
    } else if (t.next_unsent < t.segments.size()) {
        send_segment(slot, t.next_unsent++);  // the window slides by one
    }
}

void Endpoint::on_model_event(const Event& e) {
    if (e.kind == ev::Rto) {
        on_rto(static_cast<std::uint32_t>(e.payload >> 32),
               static_cast<std::uint32_t>(e.payload & 0xffffffffu));
        return;
    }
    Node::on_model_event(e);
}

}  // namespace sim::model
