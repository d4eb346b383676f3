#include "sim/model/server.hpp"

#include <algorithm>

#include "sim/core/check.hpp"

namespace sim::model {

Server::Server(NodeIndex id, World& world)
    : Endpoint(id, world),
      spec_(world.spec.nodes[id].server),
      service_rng_(world.spec.seed, id, StreamTag::Service) {}

void Server::on_message(std::uint32_t pid) {
    const Packet& p = world_.packets[pid];
    const std::uint32_t message = p.message;
    const NodeIndex sender = p.src;
    if (busy_workers_ >= spec_.workers && queue_.size() >= spec_.queue_capacity) {
        // Refuse: the sender tries again later; forget the upload so its retry is accepted.
        ++stats_.refused_busy;
        ++world_.counters.server_busy;
        const std::uint32_t generation = p.generation;
        const Time leg_start = p.leg_start;
        forget_received(message, sender);
        send_control(Packet::Kind::Busy, message, sender, generation, leg_start);
        return;
    }
    // Attribute the uplink along the packet that completed reassembly.
    MessageRecord& m = world_.journal[message];
    attribute_leg(p, m.uplink);
    m.uplink_path = p.path;
    m.at_server = true;
    fingerprint(message);

    const Job job{message, now()};
    if (busy_workers_ < spec_.workers) {
        start_service(job);
    } else {
        queue_.push_back(job);
        stats_.max_queue = std::max<std::uint64_t>(stats_.max_queue, queue_.size());
    }
}

void Server::start_service(Job job) {
    ++busy_workers_;
    ++stats_.waits;
    stats_.total_wait += now() - job.arrived;
    std::uint32_t slot;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
        in_service_[slot] = job;
    } else {
        slot = static_cast<std::uint32_t>(in_service_.size());
        in_service_.push_back(job);
    }
    send(id(), spec_.service_time.sample_duration(service_rng_), ev::ServiceDone, slot);
}

void Server::on_model_event(const Event& e) {
    switch (e.kind) {
        case ev::ServiceDone: {
            const auto slot = static_cast<std::uint32_t>(e.payload);
            const Job job = in_service_[slot];
            free_slots_.push_back(slot);
            --busy_workers_;
            ++stats_.processed;
            MessageRecord& m = world_.journal[job.message];
            m.uplink[Stage::Server] = now() - job.arrived;
            if (!queue_.empty()) {
                const Job next = queue_.front();
                queue_.pop_front();
                start_service(next);
            }
            for (const Delivery& d : world_.journal[job.message].deliveries) {
                dispatch(job.message, d.device);
            }
            return;
        }
        case ev::Reconnect: {
            const auto device = static_cast<NodeIndex>(e.payload);
            wakeup_pending_[device] = false;
            if (!world_.online(device, now())) {  // reconnected and left again meanwhile
                schedule_wakeup(device);
                return;
            }
            if (!storage_.contains(device)) return;
            if (world_.spec.protocol.push) {
                // The device is back, but its app fetches the backlog only once the push
                // notification has woken it.
                reconnected_at_[device] = now();
                send(id(), world_.spec.protocol.push_delay.sample_duration(service_rng_),
                     ev::PushWoke, device);
                return;
            }
            flush_backlog(device, now());
            return;
        }
        case ev::PushWoke: {
            const auto device = static_cast<NodeIndex>(e.payload);
            const Time back = reconnected_at_[device];
            if (!world_.online(device, now())) {  // went away again before it woke
                schedule_wakeup(device);
                return;
            }
            flush_backlog(device, back);
            return;
        }
        default:
            Endpoint::on_model_event(e);
    }
}

void Server::expire_overdue(Time t) {
    for (auto& [device, backlog] : storage_) {
        std::deque<Stored> kept;
        for (const Stored& s : backlog) {
            Delivery& d = world_.journal.delivery(s.message, device);
            if (t - d.stored_since >= spec_.storage_ttl) {
                d.stored = false;
                d.expired = true;
                d.stored_for += t - d.stored_since;
                ++stats_.expired;
                --stored_count_;
            } else {
                kept.push_back(s);
            }
        }
        backlog = std::move(kept);
    }
}

void Server::flush_backlog(NodeIndex device, Time back) {
    auto it = storage_.find(device);
    if (it == storage_.end()) return;
    std::deque<Stored> backlog = std::move(it->second);
    storage_.erase(it);
    // Deliver in the order stored; transfers start now, so their packets leave in this
    // order through every FIFO queue.
    for (const Stored& s : backlog) {
        --stored_count_;
        Delivery& d = world_.journal.delivery(s.message, device);
        d.stored = false;
        if (now() - d.stored_since >= spec_.storage_ttl) {
            d.expired = true;
            d.stored_for += now() - d.stored_since;
            ++stats_.expired;
            continue;
        }
        // Stored until the device came back (or now, if it was stored after that), then
        // waiting for the push to wake the app.
        const Time until = std::max(back, d.stored_since);
        d.stored_for += now() - d.stored_since;
        d.server_side[Stage::OfflineWait] += until - d.stored_since;
        d.server_side[Stage::Push] += now() - until;
        deliver(s.message, device);
    }
}

void Server::dispatch(std::uint32_t message, NodeIndex device) {
    if (world_.online(device, now())) {
        deliver(message, device);
    } else {
        store(message, device);
    }
}

void Server::deliver(std::uint32_t message, NodeIndex device) {
    const std::uint32_t generation = generation_[(std::uint64_t{message} << 32) | device]++;
    start_transfer(message, device, 1, world_.journal[message].wire_bytes, now(), generation);
}

void Server::store(std::uint32_t message, NodeIndex device) {
    Delivery& d = world_.journal.delivery(message, device);
    if (stored_count_ >= spec_.storage_capacity) {
        // Storage full: the new message is refused and counted as expired, never lost
        // silently (the documented policy; eviction policies may come later).
        d.expired = true;
        ++stats_.expired;
        return;
    }
    d.stored = true;
    d.stored_since = now();
    storage_[device].push_back(Stored{message});
    ++stored_count_;
    stats_.stored_peak = std::max(stats_.stored_peak, stored_count_);
    schedule_wakeup(device);
}

void Server::schedule_wakeup(NodeIndex device) {
    bool& pending = wakeup_pending_[device];
    if (!pending) {
        pending = true;
        send(id(), world_.next_online(device, now()) - now(), ev::Reconnect, device);
    }
}

Time Server::sendable_at(NodeIndex peer) {
    // The server knows presence (the scenario's schedule, as a presence service would).
    return world_.online(peer, now()) ? now() : kTimeMax;
}

void Server::on_peer_unreachable(std::uint32_t message, NodeIndex peer, Time leg_start) {
    // The device went offline during delivery: the failed attempt's time is lost to
    // retransmission, and the message waits in storage for the next connection.
    Delivery& d = world_.journal.delivery(message, peer);
    d.server_side[Stage::Retransmit] += now() - leg_start;
    store(message, peer);
}

void Server::on_transfer_acked(std::uint32_t message, NodeIndex peer) {
    // The first recipient device to have the whole message triggers the delivery receipt,
    // sent from here to the device that wrote it (stored if that device is offline).
    const MessageRecord& m = world_.journal[message];
    if (!world_.spec.protocol.delivered_receipts || m.kind != MessageKind::User) return;
    if (world_.journal.delivery(message, peer).sync || !receipted_.insert(message).second) return;
    const UserIndex user = world_.spec.nodes[peer].user;
    const std::uint32_t r = world_.journal.add_receipt(MessageKind::DeliveryReceipt, message, peer,
                                                       user, now(), world_.spec.protocol);
    MessageRecord& receipt = world_.journal[r];
    receipt.server = id();
    receipt.at_server = true;
    dispatch(r, receipt.deliveries.front().device);
}

void Server::send_reports() {
    if (world_.spec.routing.server_selection == "least-loaded") {
        send(controller_, kControlDelay, ev::LoadReport, queue_.size() + busy_workers_, id());
    }
    Node::send_reports();
}

void Server::on_retransmission(std::uint32_t message, NodeIndex peer) {
    ++world_.journal.delivery(message, peer).retransmissions;
}

}  // namespace sim::model
