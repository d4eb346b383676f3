#include "sim/net/port.hpp"

#include <algorithm>
#include <utility>

#include "sim/core/check.hpp"

namespace sim::net {

Port::Port(const LinkSpec& spec, NodeIndex peer, Rng loss_rng)
    : bandwidth_bps_(spec.bandwidth_bps),
      latency_(spec.latency),
      peer_(peer),
      lossy_(spec.loss.model != LossSpec::Model::None),
      red_(spec.red.enabled),
      spec_(&spec),
      rng_(loss_rng) {
    MSGSIM_CHECK(bandwidth_bps_ > 0, "link bandwidth must be positive");
}

Port::Admit Port::offer(std::uint32_t packet, std::uint32_t bytes, Time now) {
    if (!up_) {
        ++stats_.drops_link_down;
        return Admit::DroppedDown;
    }
    const Queued q{packet, bytes, now};
    if (!busy_) {
        start(q, now);
        return Admit::StartNow;
    }
    if (red_ && red_drops()) {
        ++stats_.drops_red;
        return Admit::DroppedEarly;
    }
    const bool full = spec_->queue.unit == QueueSpec::Unit::Packets
                          ? queue_.size() + 1 > spec_->queue.capacity
                          : queued_bytes_ + bytes > spec_->queue.capacity;
    if (full) {
        ++stats_.drops_queue_full;
        return Admit::DroppedFull;
    }
    queue_.push_back(q);
    queued_bytes_ += bytes;
    check_queue_occupancy(spec_->queue, queued_bytes_, queue_.size());
    stats_.max_queue_bytes = std::max(stats_.max_queue_bytes, queued_bytes_);
    return Admit::Queued;
}

Port::Queued Port::start(Queued q, Time now) {
    in_flight_ = q;
    busy_ = true;
    tx_started_ = now;
    ++stats_.waits;
    stats_.total_wait += now - q.enqueued;
    return q;
}

bool Port::red_drops() {
    // Floyd & Jacobson (1993), section 4: average the queue at each arrival; between the
    // thresholds drop with p_b = p_max (avg - min) / (max - min), spread out by the count
    // of arrivals since the last drop (p_a = p_b / (1 - count p_b)).
    const double q = spec_->queue.unit == QueueSpec::Unit::Packets
                         ? static_cast<double>(queue_.size())
                         : static_cast<double>(queued_bytes_);
    red_avg_ += spec_->red.weight * (q - red_avg_);
    if (red_avg_ < spec_->red.min) {
        red_count_ = -1;
        return false;
    }
    if (red_avg_ >= spec_->red.max) {
        red_count_ = 0;
        return true;
    }
    ++red_count_;
    const double p_b =
        spec_->red.p_max * (red_avg_ - spec_->red.min) / (spec_->red.max - spec_->red.min);
    const double denom = 1 - static_cast<double>(red_count_) * p_b;
    const double p_a = denom <= 0 ? 1.0 : p_b / denom;
    if (rng_.uniform01() < p_a) {
        red_count_ = 0;
        return true;
    }
    return false;
}

bool Port::draw_loss() {
    switch (spec_->loss.model) {
        case LossSpec::Model::None:
            return false;
        case LossSpec::Model::Bernoulli:
            return spec_->loss.p > 0 && rng_.uniform01() < spec_->loss.p;
        case LossSpec::Model::GilbertElliott: {
            // Step the chain once per packet, then lose with the new state's probability.
            const double flip = ge_bad_ ? spec_->loss.p_bad_good : spec_->loss.p_good_bad;
            if (rng_.uniform01() < flip) ge_bad_ = !ge_bad_;
            const double p = ge_bad_ ? spec_->loss.loss_bad : spec_->loss.loss_good;
            return p > 0 && rng_.uniform01() < p;
        }
    }
    return false;
}

Port::Finished Port::finish(Time now) {
    MSGSIM_CHECK(busy_, "transmission finished on an idle port");
    Finished f{in_flight_, true, std::nullopt};
    busy_ = false;
    ++stats_.packets_sent;
    stats_.bytes_sent += f.packet.bytes;
    stats_.busy += now - tx_started_;
    if (lossy_ && draw_loss()) {
        f.delivered = false;
        ++stats_.drops_loss;
    }
    if (!queue_.empty()) {
        Queued next = queue_.front();
        queue_.pop_front();
        queued_bytes_ = bytes_after_dequeue(queued_bytes_, next.bytes);
        check_queue_occupancy(spec_->queue, queued_bytes_, queue_.size());
        f.next = start(next, now);
    }
    return f;
}

std::vector<Port::Queued> Port::go_down() {
    up_ = false;
    ++epoch_;
    std::vector<Queued> dropped;
    dropped.reserve(queue_.size() + 1);
    if (busy_) {
        dropped.push_back(in_flight_);
        busy_ = false;
    }
    for (; !queue_.empty(); queue_.pop_front())
        dropped.push_back(queue_.front());
    queued_bytes_ = 0;
    stats_.drops_link_down += dropped.size();
    return dropped;
}

}  // namespace sim::net
