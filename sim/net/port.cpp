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
      red_(spec.red),
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
    if (red_.enabled && red_drops()) {
        ++stats_.drops_red;
        return Admit::DroppedEarly;
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
    check_queue_occupancy(queue_spec_, queued_bytes_, queue_.size());
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

bool Port::red_drops() {
    // Floyd & Jacobson (1993), section 4: average the queue at each arrival; between the
    // thresholds drop with p_b = p_max (avg - min) / (max - min), spread out by the count
    // of arrivals since the last drop (p_a = p_b / (1 - count p_b)).
    const double q = queue_spec_.unit == QueueSpec::Unit::Packets
                         ? static_cast<double>(queue_.size())
                         : static_cast<double>(queued_bytes_);
    red_avg_ += red_.weight * (q - red_avg_);
    if (red_avg_ < red_.min) {
        red_count_ = -1;
        return false;
    }
    if (red_avg_ >= red_.max) {
        red_count_ = 0;
        return true;
    }
    ++red_count_;
    const double p_b = red_.p_max * (red_avg_ - red_.min) / (red_.max - red_.min);
    const double denom = 1 - static_cast<double>(red_count_) * p_b;
    const double p_a = denom <= 0 ? 1.0 : p_b / denom;
    if (rng_.uniform01() < p_a) {
        red_count_ = 0;
        return true;
    }
    return false;
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
        queued_bytes_ = bytes_after_dequeue(queued_bytes_, next.bytes);
        check_queue_occupancy(queue_spec_, queued_bytes_, queue_.size());
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
