#include "sim/net/port.hpp"

#include <algorithm>
#include <utility>

#include "sim/core/check.hpp"

namespace sim::net {

Port::Port(const LinkSpec& spec, NodeIndex peer, Rng loss_rng)
    : peer_(peer),
      latency_(spec.latency),
      bandwidth_bps_(spec.bandwidth_bps),
      queue_spec_(spec.queue),
      loss_(spec.loss),
      rng_(loss_rng) {
    MSGSIM_CHECK(bandwidth_bps_ > 0, "link bandwidth must be positive");
}

Port::Admit Port::offer(std::uint32_t packet, std::uint32_t bytes, Time now) {
    if (!up_) {
        ++stats_.drops_link_down;
        return Admit::DroppedDown;
    }
    const Queued q{packet, bytes, now};
    if (!in_flight_) {
        start(q, now);
        return Admit::StartNow;
    }
    const bool full = queue_spec_.unit == QueueSpec::Unit::Packets
                          ? queue_.size() + 1 > queue_spec_.capacity
                          : queued_bytes_ + bytes > queue_spec_.capacity;
    if (full) {
        ++stats_.drops_queue_full;
        return Admit::DroppedFull;
    }
    queue_.push_back(q);
    queued_bytes_ += bytes;
    stats_.max_queue_bytes = std::max(stats_.max_queue_bytes, queued_bytes_);
    return Admit::Queued;
}

Port::Queued Port::start(Queued q, Time now) {
    in_flight_ = q;
    tx_started_ = now;
    ++stats_.waits;
    stats_.total_wait += now - q.enqueued;
    return q;
}

bool Port::draw_loss() {
    switch (loss_.model) {
        case LossSpec::Model::None:
            return false;
        case LossSpec::Model::Bernoulli:
            return loss_.p > 0 && rng_.uniform01() < loss_.p;
        case LossSpec::Model::GilbertElliott: {
            // Step the chain once per packet, then lose with the new state's probability.
            const double flip = ge_bad_ ? loss_.p_bad_good : loss_.p_good_bad;
            if (rng_.uniform01() < flip) ge_bad_ = !ge_bad_;
            const double p = ge_bad_ ? loss_.loss_bad : loss_.loss_good;
            return p > 0 && rng_.uniform01() < p;
        }
    }
    return false;
}

Port::Finished Port::finish(Time now) {
    MSGSIM_CHECK(in_flight_.has_value(), "transmission finished on an idle port");
    Finished f{*in_flight_, true, std::nullopt};
    in_flight_.reset();
    ++stats_.packets_sent;
    stats_.bytes_sent += f.packet.bytes;
    stats_.busy += now - tx_started_;
    if (draw_loss()) {
        f.delivered = false;
        ++stats_.drops_loss;
    }
    if (!queue_.empty()) {
        Queued next = queue_.front();
        queue_.pop_front();
        queued_bytes_ -= next.bytes;
        f.next = start(next, now);
    }
    return f;
}

std::deque<Port::Queued> Port::go_down() {
    up_ = false;
    ++epoch_;
    std::deque<Queued> dropped = std::move(queue_);
    queue_.clear();
    queued_bytes_ = 0;
    if (in_flight_) {
        dropped.push_front(*in_flight_);
        in_flight_.reset();
    }
    stats_.drops_link_down += dropped.size();
    return dropped;
}

}  // namespace sim::net
