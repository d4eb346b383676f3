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
    const bool relay = !world_.is_phone(sender);
    MessageRecord& m = world_.journal[message];
    // A second copy of a message already queued or processed (a resend after a reset
    // connection that crossed the first): acknowledged, not processed twice.
    if (accepted_.contains(message)) return;
    if (relay) {
        for (const Delivery& d : m.deliveries) {
            if (d.relay_server == id() && d.relay_committed) return;
        }
    } else if (m.committed) {
        return;
    }
    // Backbone transfers are never refused: the sending server has no way to retry later.
    if (!relay && busy_workers_ >= spec_.workers && queue_.size() >= spec_.queue_capacity) {
        // Refuse: the sender tries again later; forget the upload so its retry is accepted.
        ++stats_.refused_busy;
        ++world_.counters.server_busy;
        const std::uint32_t generation = p.generation;
        const Time leg_start = p.leg_start;
        forget_received(message, sender);
        send_control(Packet::Kind::Busy, message, sender, generation, leg_start);
        return;
    }
    if (relay) {
        Inbound& in = inbound_[message];
        in.leg = Stages{};
        attribute_leg(p, in.leg);
        in.path = p.path;
    } else {
        // Attribute the uplink along the packet that completed reassembly. An earlier
        // attempt may have reached a server that crashed: this one covers the whole leg
        // from its first start, the lost attempt included (as retransmit).
        for (Stage st : {Stage::Access, Stage::Queueing, Stage::Network, Stage::Retransmit,
                         Stage::Reassembly, Stage::Server})
            m.uplink[st] = Duration{0};
        attribute_leg(p, m.uplink);
        m.uplink_path = p.path;
        m.at_server = true;
        m.server = id();
    }
    fingerprint(m.key);
    accepted_.insert(message);

    const Job job{message, now(), sender, p.generation, relay};
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
    send(id(), spec_.service_time.sample_duration(service_rng_), ev::ServiceDone,
         (std::uint64_t{epoch_} << 32) | slot);
}

void Server::on_model_event(const Event& e) {
    switch (e.kind) {
        case ev::ServiceDone: {
            if (e.payload >> 32 != epoch_) return;  // the job died in a crash
            const auto slot = static_cast<std::uint32_t>(e.payload & 0xffffffffu);
            const Job job = in_service_[slot];
            free_slots_.push_back(slot);
            --busy_workers_;
            ++stats_.processed;
            accepted_.erase(job.message);
            if (!queue_.empty()) {
                const Job next = queue_.front();
                queue_.pop_front();
                start_service(next);
            }
            if (!job.relay) {
                MessageRecord& m = world_.journal[job.message];
                m.uplink[Stage::Server] = now() - job.arrived;
                m.committed = true;
                fan_out(job.message);
                return;
            }
            // Came over the backbone: this server delivers to the devices it serves.
            ++stats_.relay_in;
            auto in = inbound_.extract(job.message);
            MSGSIM_CHECK(!in.empty(), "relayed message without its inbound record");
            Stages stages = in.mapped().leg;
            stages[Stage::Server] = now() - job.arrived;
            std::vector<NodeIndex> devices;
            for (Delivery& d : world_.journal[job.message].deliveries) {
                if (d.relay_server != id() || d.relay_committed) continue;
                d.relay_committed = true;
                d.relay = stages;
                d.relay_path = in.mapped().path;
                devices.push_back(d.device);
            }
            for (NodeIndex device : devices)
                dispatch(job.message, device);
            return;
        }
        case ev::ConnReset: {
            // The server we relayed a message to crashed before processing it.
            const auto message = static_cast<std::uint32_t>(e.payload & 0xffffffffu);
            const NodeIndex to = e.src;
            if (down_) {
                if (spec_.durable) {
                    pending_relays_.emplace_back(message, to);
                } else {
                    lose_relay(message, to);
                }
                return;
            }
            for (const Delivery& d : world_.journal[message].deliveries) {
                if (d.relay_server == to && d.relay_committed) return;  // it got there after all
            }
            abort_transfer(message, to);
            ++world_.counters.retransmissions;
            relay(message, to, relay_start(message));
            return;
        }
        case ev::Reconnect: {
            const auto device = static_cast<NodeIndex>(e.payload);
            wakeup_pending_[device] = false;
            if (down_) return;                    // the restart delivers what is stored
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
            if (down_) return;  // the restart delivers what is stored
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

void Server::flush_backlog(NodeIndex device, Time back, bool after_restart) {
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
        Time until = std::max(back, d.stored_since);
        if (after_restart) {
            // Offline until the device came back (if it did before the restart), then
            // waiting for this server to restart.
            until = std::clamp(world_.next_online(device, d.stored_since), d.stored_since, now());
            d.stored_for += now() - d.stored_since;
            d.server_side[Stage::OfflineWait] += until - d.stored_since;
            d.server_side[Stage::Server] += now() - until;
            deliver(s.message, device);
            continue;
        }
        d.stored_for += now() - d.stored_since;
        d.server_side[Stage::OfflineWait] += until - d.stored_since;
        d.server_side[Stage::Push] += now() - until;
        deliver(s.message, device);
    }
}

void Server::fan_out(std::uint32_t message) {
    std::vector<NodeIndex> local;
    std::vector<NodeIndex> servers;
    for (Delivery& d : world_.journal[message].deliveries) {
        NodeIndex serving = world_.server_of[d.device];
        // A device whose server routing has found unreachable (crashed) reconnects to this
        // one, which then delivers to it itself.
        if (serving != net::kNoNode && !world_.reachable(id(), serving)) serving = id();
        if (serving == id() || serving == net::kNoNode) {
            local.push_back(d.device);
            continue;
        }
        d.relay_server = serving;  // which server delivers: the relay carries this with it
        if (std::find(servers.begin(), servers.end(), serving) == servers.end())
            servers.push_back(serving);
    }
    for (NodeIndex device : local)
        dispatch(message, device);
    stats_.relayed += servers.size();
    for (NodeIndex to : servers)
        relay(message, to, now());
}

void Server::relay(std::uint32_t message, NodeIndex to, Time leg_start) {
    const std::uint32_t generation = generation_[(std::uint64_t{message} << 32) | to]++;
    start_transfer(message, to, 2, world_.journal[message].wire_bytes, leg_start, generation);
}

Time Server::relay_start(std::uint32_t message) const {
    // The sender's server relays a message as soon as it has processed it, which ends the
    // message's uplink stages (a receipt made by a server has none).
    const MessageRecord& m = world_.journal[message];
    return m.sent_at + m.uplink.total();
}

void Server::lose_relay(std::uint32_t message, NodeIndex to) {
    for (Delivery& d : world_.journal[message].deliveries) {
        if (d.relay_server != to || d.received || d.lost) continue;
        d.lost = true;
        ++stats_.lost;
    }
}

void Server::reset_sender(NodeIndex sender, std::uint32_t message, std::uint32_t generation) {
    // The sender's connection to this server broke with it; like routing, it notices
    // detection_delay later (and one control delay, so routes already avoid this server).
    send(sender, world_.spec.routing.detection_delay + kControlDelay, ev::ConnReset,
         message | ((std::uint64_t{generation} + 1) << 32));
}

void Server::on_node_down() {
    ++epoch_;
    ++stats_.crashes;
    // The queue and the messages in service are gone; their senders send them again.
    std::vector<Job> lost(queue_.begin(), queue_.end());
    std::vector<std::uint32_t> free = free_slots_;
    std::sort(free.begin(), free.end());
    for (std::uint32_t slot = 0; slot < in_service_.size(); ++slot) {
        if (!std::binary_search(free.begin(), free.end(), slot)) lost.push_back(in_service_[slot]);
    }
    std::sort(lost.begin(), lost.end(),
              [](const Job& a, const Job& b) { return a.message < b.message; });
    for (const Job& job : lost)
        reset_sender(job.from, job.message, job.generation);
    queue_.clear();
    in_service_.clear();
    free_slots_.clear();
    busy_workers_ = 0;
    accepted_.clear();
    inbound_.clear();
    // So are the messages it was still receiving.
    for (const Interrupted& i : forget_all_received())
        reset_sender(i.peer, i.message, i.generation);
    // Messages it was sending had been processed: they are kept with the stored ones.
    for (const Interrupted& t : abort_all_transfers()) {
        if (!world_.is_phone(t.peer)) {
            if (spec_.durable) {
                pending_relays_.emplace_back(t.message, t.peer);
            } else {
                lose_relay(t.message, t.peer);
            }
            continue;
        }
        Delivery& d = world_.journal.delivery(t.message, t.peer);
        if (d.received) continue;  // the device has it; only its acknowledgement was missing
        if (spec_.durable) {
            d.server_side[Stage::Retransmit] += now() - t.leg_start;
            store(t.message, t.peer);
        } else {
            d.lost = true;
            ++stats_.lost;
        }
    }
    if (spec_.durable) return;
    std::vector<NodeIndex> devices;
    for (const auto& [device, backlog] : storage_)
        devices.push_back(device);
    std::sort(devices.begin(), devices.end());
    for (NodeIndex device : devices) {
        for (const Stored& s : storage_[device]) {
            Delivery& d = world_.journal.delivery(s.message, device);
            d.stored = false;
            d.lost = true;
            d.stored_for += now() - d.stored_since;
            ++stats_.lost;
        }
    }
    storage_.clear();
    stored_count_ = 0;
}

void Server::on_node_up() {
    // Resume the backbone transfers the crash interrupted, then deliver what is stored to
    // the devices that are online (the others when they reconnect).
    auto relays = std::move(pending_relays_);
    pending_relays_.clear();
    for (const auto& [message, to] : relays)
        relay(message, to, relay_start(message));
    std::vector<NodeIndex> devices;
    for (const auto& [device, backlog] : storage_)
        devices.push_back(device);
    std::sort(devices.begin(), devices.end());
    for (NodeIndex device : devices) {
        if (world_.online(device, now())) {
            flush_backlog(device, now(), true);
        } else {
            schedule_wakeup(device);
        }
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
    // Nothing to keep when the device already has the message (its acknowledgement was
    // lost, then it went offline before the resend) or when it is stored already: either
    // would count a message as both delivered (or stored once) and held in storage.
    if (d.received || d.stored) return;
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
    if (!world_.is_phone(peer)) return;  // a backbone transfer: the other server takes over
    // The first recipient device to have the whole message triggers the delivery receipt,
    // sent from here to the device that wrote it (stored if that device is offline).
    const MessageRecord& m = world_.journal[message];
    if (!world_.spec.protocol.delivered_receipts || m.kind != MessageKind::User) return;
    if (world_.journal.delivery(message, peer).sync || !receipted_.insert(message).second) return;
    const UserIndex user = world_.spec.nodes[peer].user;
    const std::uint32_t r =
        world_.journal.add_receipt(MessageKind::DeliveryReceipt, message, peer, user, now(),
                                   world_.spec.protocol, id(), current_event());
    MessageRecord& receipt = world_.journal[r];
    receipt.server = id();
    receipt.at_server = true;
    receipt.committed = true;
    fan_out(r);
}

void Server::send_reports() {
    if (down_) return;  // a crashed server reports nothing; routing soon avoids it
    if (world_.spec.routing.server_selection == "least-loaded" ||
        world_.spec.routing.load_balancer == "least-loaded") {
        send(controller_, kControlDelay, ev::LoadReport, queue_.size() + busy_workers_, id());
    }
    Node::send_reports();
}

void Server::on_retransmission(std::uint32_t message, NodeIndex peer) {
    if (world_.is_phone(peer)) {
        ++world_.journal.delivery(message, peer).retransmissions;
        return;
    }
    for (Delivery& d : world_.journal[message].deliveries) {  // a backbone resend
        if (d.relay_server == peer) ++d.retransmissions;
    }
}

}  // namespace sim::model
