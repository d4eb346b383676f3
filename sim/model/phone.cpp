#include "sim/model/phone.hpp"

#include <algorithm>
#include <cmath>

#include "sim/core/check.hpp"

namespace sim::model {

namespace {
// Steps of the receiving side, carried in the event slot.
enum Step : std::uint16_t { kDecrypted = 0, kDisplayed = 1, kNotified = 2 };
}  // namespace

Phone::Phone(NodeIndex id, World& world)
    : Endpoint(id, world),
      user_(world.spec.nodes[id].user),
      traffic_rng_(world.spec.seed, id, StreamTag::Traffic),
      processing_rng_(world.spec.seed, id, StreamTag::Processing),
      reading_rng_(world.spec.seed, id, StreamTag::Reading) {}

void Phone::schedule_traffic() {
    const ModelSpec& spec = world_.spec;
    for (const std::uint32_t i : world_.datagrams_from(id())) {
        const DatagramSpec& d = spec.datagrams[i];
        Duration first{0};
        if (d.pattern == DatagramSpec::Pattern::Poisson) {
            first = Duration{
                std::llround(-std::log(traffic_rng_.uniform01_open0()) / d.rate_per_s * 1e9)};
        } else if (d.random_phase) {
            // Not stored: send_datagram recovers it from the time of each datagram.
            first = Duration{std::llround(traffic_rng_.uniform01() / d.rate_per_s * 1e9)};
        }
        if (d.start + first < d.stop)
            send(id(), d.start + first - kTimeZero, ev::DatagramNext, 0,
                 static_cast<std::uint32_t>(i));
    }
    if (user_ == kNoUser || spec.users[user_].devices.front() != id())
        return;  // only the primary device sends
    for (std::size_t i = 0; i < spec.messages.size(); ++i) {
        const MessageSpec& m = spec.messages[i];
        if (m.from == user_) send(id(), m.at - kTimeZero, ev::Compose, i);
    }
    for (std::size_t i = 0; i < spec.poisson.size(); ++i) {
        const PoissonSpec& ps = spec.poisson[i];
        if (!std::binary_search(ps.users.begin(), ps.users.end(), user_)) continue;
        if (ps.rate_per_s <= 0) continue;
        // First arrival after start: memoryless, so one exponential gap from `start`.
        const double gap_ns = -std::log(traffic_rng_.uniform01_open0()) / ps.rate_per_s * 1e9;
        const Time first = ps.start + Duration{std::llround(gap_ns)};
        if (first < ps.stop)
            send(id(), first - kTimeZero, ev::PoissonNext, 0, static_cast<std::uint16_t>(i));
    }
}

void Phone::on_model_event(const Event& e) {
    const ModelSpec& spec = world_.spec;
    switch (e.kind) {
        case ev::Compose: {
            const MessageSpec& m = spec.messages[e.payload];
            compose(m.to, m.content, m.size_bytes);
            return;
        }
        case ev::PoissonNext: {
            const PoissonSpec& ps = spec.poisson[e.slot];
            const UserIndex to =
                ps.to != kNoUser ? ps.to : world_.pick_recipient(e.slot, user_, traffic_rng_);
            const auto size =
                static_cast<std::uint64_t>(std::max(1.0, std::round(ps.size.sample(traffic_rng_))));
            compose(to, ps.content, size);
            const double gap_ns = -std::log(traffic_rng_.uniform01_open0()) / ps.rate_per_s * 1e9;
            const Duration gap{std::llround(gap_ns)};
            if (now() + gap < ps.stop) send(id(), gap, ev::PoissonNext, 0, e.slot);
            return;
        }
        case ev::SendReady: {
            const auto message = static_cast<std::uint32_t>(e.payload);
            // A phone that is offline holds the message until it reconnects.
            const Time when = world_.next_online(id(), now());
            if (when > now()) {
                world_.journal[message].uplink[Stage::OfflineWait] += when - now();
                send(id(), when - now(), ev::SendReady, message);
                return;
            }
            start_upload(message, now(), 0);
            return;
        }
        case ev::BusyRetry: {
            // The time since the first attempt is lost to the refusal: leg_start stays put,
            // so it is attributed to "retransmit".
            const auto message = static_cast<std::uint32_t>(e.payload);
            const auto node = extra().busy_retry.extract(message);
            MSGSIM_CHECK(!node.empty(), "busy retry of an unknown message");
            start_upload(message, node.mapped().first, node.mapped().second);
            return;
        }
        case ev::Presence: {
            // Offline span e.slot starts (payload 1) or ends (0): the access link goes down
            // or up both ways, and the next change is scheduled.
            const auto& spans = world_.offline(id());
            const bool starts = e.payload == 1;
            const NodeIndex router = ports().front().peer();
            set_port_up(0, !starts);
            send(router, Duration{0}, starts ? ev::PortDown : ev::PortUp, 0,
                 world_.router_port[id()]);
            if (starts) {
                send(id(), spans[e.slot].second - now(), ev::Presence, 0, e.slot);
            } else if (e.slot + 1 < spans.size()) {
                send(id(), spans[e.slot + 1].first - now(), ev::Presence, 1, e.slot + 1);
            }
            return;
        }
        case ev::DatagramNext:
            send_datagram(e.slot, e.payload);
            return;
        case ev::ConnReset: {
            // Our server crashed before processing the message: send it again, to a server
            // routing can reach (the same one once it is back). The time since the first
            // attempt counts as retransmit.
            const auto message = static_cast<std::uint32_t>(e.payload & 0xffffffffu);
            MessageRecord& m = world_.journal[message];
            if (m.server != e.src || m.committed) return;  // we have moved on already
            abort_transfer(message, m.server);
            m.server = choose_server(m.to);
            ++m.uplink_retransmissions;
            ++m.resets;
            ++world_.counters.retransmissions;
            const Time leg_start = m.sent_at + m.uplink[Stage::Encode] + m.uplink[Stage::Compress] +
                                   m.uplink[Stage::Encrypt] + m.uplink[Stage::OfflineWait];
            start_upload(message, leg_start, static_cast<std::uint32_t>(e.payload >> 32));
            return;
        }
        case ev::DeviceStep:
            device_step(static_cast<std::uint32_t>(e.payload), e.slot);
            return;
        case ev::Read: {
            const auto message = static_cast<std::uint32_t>(e.payload);
            const Time when = world_.next_online(id(), now());
            if (when > now()) {
                send(id(), when - now(), ev::Read, message);
                return;
            }
            Delivery& d = world_.journal.delivery(message, id());
            d.read = true;
            d.read_at = now();
            if (world_.spec.protocol.read_receipts) {
                // The read receipt travels like a message: up to our server, down to the
                // device that sent the message.
                const std::uint32_t r =
                    world_.journal.add_receipt(MessageKind::ReadReceipt, message, id(), user_,
                                               now(), world_.spec.protocol, id(), current_event());
                world_.journal[r].server = choose_server(world_.journal[r].to);
                send(id(), Duration{0}, ev::SendReady, r);
            }
            return;
        }
        default:
            Endpoint::on_model_event(e);
    }
}

void Phone::send_datagram(std::uint32_t source, std::uint64_t sent_so_far) {
    // In a large population both the source's spec and the phone's port are cache misses:
    // start loading the port now, so that the two overlap.
    prefetch_port(0);
    const DatagramSpec& d = world_.spec.datagrams[source];
    const std::uint32_t pid = world_.packets.make();
    Packet& p = world_.packets[pid];
    p.kind = Packet::Kind::Datagram;
    p.src = id();
    p.dst = d.to;
    p.message = source;
    p.seq = static_cast<std::uint32_t>(sent_so_far);
    p.bytes =
        static_cast<std::uint32_t>(std::clamp(std::round(d.size.sample(traffic_rng_)), 1.0, 4e9));
    p.sent = p.first_sent = p.leg_start = now();
    p.path.push_back(id());
    ++world_.datagrams.sent;
    ++world_.counters.sent;
    transmit(pid);

    const std::uint64_t n = sent_so_far + 1;
    if (n >= d.count) return;
    Time next;
    if (d.pattern == DatagramSpec::Pattern::Poisson) {
        next =
            now() +
            Duration{std::llround(-std::log(traffic_rng_.uniform01_open0()) / d.rate_per_s * 1e9)};
    } else {
        // The n-th datagram at start + phase + n / rate exactly: no drift from rounding. This
        // one (number n - 1) was sent at start + phase + offset(n - 1), so the phase need not
        // be kept per source: a lookup in cold per-phone state on every datagram of a large
        // population.
        const auto offset = [&](std::uint64_t k) {
            return Duration{std::llround(static_cast<double>(k) * 1e9 / d.rate_per_s)};
        };
        next = now() + (offset(n) - offset(sent_so_far));
    }
    if (next < d.stop) send(id(), next - now(), ev::DatagramNext, n, source);
}

void Phone::compose(UserIndex to, Content content, std::uint64_t size_bytes) {
    const ModelSpec& spec = world_.spec;
    const ProtocolSpec& proto = spec.protocol;
    MessageRecord m;
    m.sender = id();
    m.from = user_;
    m.to = to;
    m.content = content;
    m.sent_at = now();
    m.size_bytes = size_bytes;
    const auto compressed = static_cast<std::uint64_t>(std::ceil(
        static_cast<double>(size_bytes) * proto.compression[static_cast<std::size_t>(content)]));
    m.wire_bytes = compressed + proto.encryption_overhead;
    const std::uint64_t payload = proto.mtu - proto.header;
    m.packets = static_cast<std::uint32_t>(
        std::max<std::uint64_t>(1, (m.wire_bytes + payload - 1) / payload));
    m.server = choose_server(to);
    m.uplink[Stage::Encode] = proto.processing.encode.sample_duration(processing_rng_);
    m.uplink[Stage::Compress] = proto.processing.compress.sample_duration(processing_rng_);
    m.uplink[Stage::Encrypt] = proto.processing.encrypt.sample_duration(processing_rng_);
    for (NodeIndex device : spec.users[to].devices) {
        Delivery d;
        d.device = device;
        m.deliveries.push_back(std::move(d));
    }
    // Multi-device sync: the sender's other devices get a copy too.
    for (NodeIndex device : spec.users[user_].devices) {
        if (device == id()) continue;
        Delivery d;
        d.device = device;
        d.sync = true;
        m.deliveries.push_back(std::move(d));
    }
    const Duration sender_work =
        m.uplink[Stage::Encode] + m.uplink[Stage::Compress] + m.uplink[Stage::Encrypt];
    const std::uint32_t index = world_.journal.add(std::move(m), id(), current_event());
    fingerprint(world_.journal[index].key);
    send(id(), sender_work, ev::SendReady, index);
}

NodeIndex Phone::choose_server(UserIndex recipient) {
    // The selection picks a server (a region); a load balancer then picks the instance.
    const NodeIndex router = world_.access_router[id()];
    auto usable = [&](NodeIndex s) { return world_.reachable(router, s); };
    if (world_.spec.routing.server_selection != "least-loaded") {
        NodeIndex chosen = world_.server_of[id()];
        if (!usable(chosen)) {
            // Routing has detected that our server is down: the nearest one still reachable.
            std::optional<Duration> best;
            for (NodeIndex s = 0; s < world_.spec.nodes.size(); ++s) {
                if (world_.spec.nodes[s].kind != net::NodeKind::Server) continue;
                const auto d = s == router ? std::optional<Duration>{Duration{0}}
                                           : world_.routing().least_latency(router, s);
                if (d && (!best || *d < *best)) {
                    best = d;
                    chosen = s;
                }
            }
        }
        return world_.balance(chosen, recipient, usable);
    }
    // The least loaded server by the latest reports; equal loads go to the nearer one.
    NodeIndex best = world_.server_of[id()];
    std::pair<std::uint64_t, Duration> best_key{UINT64_MAX, Duration::max()};
    for (NodeIndex s = 0; s < world_.spec.nodes.size(); ++s) {
        if (world_.spec.nodes[s].kind != net::NodeKind::Server) continue;
        const auto d = s == router ? std::optional<Duration>{Duration{0}}
                                   : world_.routing().least_latency(router, s);
        if (!d) continue;
        const std::pair<std::uint64_t, Duration> key{world_.server_load[s], *d};
        if (key < best_key) {
            best_key = key;
            best = s;
        }
    }
    return world_.balance(best, recipient, usable);
}

void Phone::start_upload(std::uint32_t message, Time leg_start, std::uint32_t generation) {
    const MessageRecord& m = world_.journal[message];
    start_transfer(message, m.server, 0, m.wire_bytes, leg_start, generation);
}

Time Phone::sendable_at(NodeIndex /*peer*/) {
    return world_.next_online(id(), now());
}

void Phone::on_retransmission(std::uint32_t message, NodeIndex /*peer*/) {
    ++world_.journal[message].uplink_retransmissions;
}

void Phone::on_control(std::uint32_t pid) {
    const Packet& p = world_.packets[pid];
    if (p.kind != Packet::Kind::Busy) return;
    // The server's queue was full: try the whole message again after one RTO.
    abort_transfer(p.message, p.src);
    extra().busy_retry[p.message] = {p.leg_start, p.generation + 1};
    ++world_.journal[p.message].uplink_retransmissions;
    send(id(), world_.spec.protocol.transport.rto, ev::BusyRetry, p.message);
}

void Phone::on_message(std::uint32_t pid) {
    const Packet& p = world_.packets[pid];
    Delivery& d = world_.journal.delivery(p.message, id());
    if (d.received) return;  // a late second attempt of the server
    d.received = true;
    // Attribute the downlink along the packet that completed reassembly.
    attribute_leg(p, d.stages);
    d.stages += d.server_side;  // the server's share is final once the device has it
    d.stages += d.relay;        // the backbone and the delivering server, if it was relayed
    d.path = p.path;
    const Duration decrypt =
        world_.spec.protocol.processing.decrypt.sample_duration(processing_rng_);
    d.stages[Stage::Decrypt] = decrypt;
    send(id(), decrypt, ev::DeviceStep, p.message, kDecrypted);
}

void Phone::finish_journey(std::uint32_t message, Delivery& d) {
    finish_delivery(d, message, now());
    const MessageRecord& m = world_.journal[message];
    d.latency = now() - m.sent_at;
    MSGSIM_CHECK(m.uplink.total() + d.stages.total() == d.latency,
                 "stages of message " + std::to_string(message) + " do not sum to its latency");
    fingerprint(mix64(m.key) ^ static_cast<std::uint64_t>(now().time_since_epoch().count()));
}

void Phone::device_step(std::uint32_t message, std::uint16_t step) {
    const ProcessingSpec& proc = world_.spec.protocol.processing;
    Delivery& d = world_.journal.delivery(message, id());
    switch (step) {
        case kDecrypted: {
            d.delivered_at = now();
            const MessageRecord& m = world_.journal[message];
            if (m.kind != MessageKind::User) {
                // A receipt: the sender's app marks the message, nothing is displayed.
                finish_journey(message, d);
                world_.journal[m.receipt_for].receipts.push_back(
                    ReceiptSeen{m.kind, m.about_device, now()});
                return;
            }
            const Duration display = proc.display.sample_duration(processing_rng_);
            d.stages[Stage::Display] = display;
            send(id(), display, ev::DeviceStep, message, kDisplayed);
            return;
        }
        case kDisplayed: {
            d.displayed_at = now();
            // A sync copy shows up in the sender's own chat: no notification.
            const Duration notify =
                d.sync ? Duration{0} : proc.notify.sample_duration(processing_rng_);
            d.stages[Stage::Notify] = notify;
            send(id(), notify, ev::DeviceStep, message, kNotified);
            return;
        }
        case kNotified: {
            finish_journey(message, d);
            if (d.sync) return;  // the sender wrote it: nothing to read
            const Duration read = world_.spec.users[user_].read_delay.sample_duration(reading_rng_);
            send(id(), read, ev::Read, message);
            return;
        }
        default:
            MSGSIM_CHECK(false, "unknown device step");
    }
}

}  // namespace sim::model
