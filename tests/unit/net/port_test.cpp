// Port: one link direction's queue, transmitter and loss.
#include "sim/net/port.hpp"

#include <gtest/gtest.h>

using namespace sim;
using namespace sim::net;

namespace {
LinkSpec link(std::uint64_t bps, QueueSpec q = {}, LossSpec loss = {}) {
    LinkSpec l;
    l.a = 0;
    l.b = 1;
    l.latency = std::chrono::milliseconds(1);
    l.bandwidth_bps = bps;
    l.queue = q;
    l.loss = loss;
    return l;
}
const Time t0 = kTimeZero;
}  // namespace

TEST(Port, StartsAtOnceWhenIdleAndQueuesWhenBusy) {
    const LinkSpec spec1 = link(1'000'000);
    Port p(spec1, 1, Rng(1));
    EXPECT_EQ(p.offer(7, 125, t0), Port::Admit::StartNow);
    EXPECT_EQ(p.tx_time(125), std::chrono::milliseconds(1));  // 1000 bits at 1 Mbps
    EXPECT_EQ(p.offer(8, 125, t0), Port::Admit::Queued);
    EXPECT_EQ(p.queued_bytes(), 125u);
    const auto f = p.finish(t0 + std::chrono::milliseconds(1));
    EXPECT_TRUE(f.delivered);
    EXPECT_EQ(f.packet.packet, 7u);
    ASSERT_TRUE(f.next.has_value());
    EXPECT_EQ(f.next->packet, 8u);
    EXPECT_EQ(p.stats().total_wait, std::chrono::milliseconds(1));  // packet 8 waited 1 ms
    EXPECT_EQ(p.queued_bytes(), 0u);
}

TEST(Port, DropsWhenByteQueueIsFull) {
    const LinkSpec spec2 = link(1'000'000, QueueSpec{QueueSpec::Unit::Bytes, 250});
    Port p(spec2, 1, Rng(1));
    EXPECT_EQ(p.offer(1, 100, t0), Port::Admit::StartNow);  // on the wire, not in the queue
    EXPECT_EQ(p.offer(2, 100, t0), Port::Admit::Queued);
    EXPECT_EQ(p.offer(3, 100, t0), Port::Admit::Queued);
    EXPECT_EQ(p.offer(4, 100, t0), Port::Admit::DroppedFull);  // 300 > 250
    EXPECT_EQ(p.offer(5, 50, t0), Port::Admit::Queued);        // 250 fits exactly
    EXPECT_EQ(p.stats().drops_queue_full, 1u);
    EXPECT_EQ(p.stats().max_queue_bytes, 250u);
}

TEST(Port, DropsWhenPacketQueueIsFull) {
    const LinkSpec spec3 = link(1'000'000, QueueSpec{QueueSpec::Unit::Packets, 1});
    Port p(spec3, 1, Rng(1));
    EXPECT_EQ(p.offer(1, 1000, t0), Port::Admit::StartNow);
    EXPECT_EQ(p.offer(2, 1000, t0), Port::Admit::Queued);
    EXPECT_EQ(p.offer(3, 1, t0), Port::Admit::DroppedFull);
}

TEST(Port, GoingDownDropsEverythingAndInvalidatesTheTransmission) {
    const LinkSpec spec4 = link(1'000'000);
    Port p(spec4, 1, Rng(1));
    p.offer(1, 100, t0);
    p.offer(2, 100, t0);
    const auto epoch = p.epoch();
    const auto dropped = p.go_down();
    EXPECT_EQ(dropped.size(), 2u);
    EXPECT_NE(p.epoch(), epoch);
    EXPECT_EQ(p.offer(3, 100, t0), Port::Admit::DroppedDown);
    EXPECT_EQ(p.stats().drops_link_down, 3u);
    p.go_up();
    EXPECT_EQ(p.offer(4, 100, t0), Port::Admit::StartNow);
}

TEST(Port, BernoulliLossRateMatchesItsProbability) {
    LossSpec loss;
    loss.model = LossSpec::Model::Bernoulli;
    loss.p = 0.1;
    const LinkSpec spec5 = link(1'000'000'000, {}, loss);
    Port p(spec5, 1, Rng(5));
    const int n = 100'000;
    int lost = 0;
    for (int i = 0; i < n; ++i) {
        p.offer(static_cast<std::uint32_t>(i), 100, t0);
        lost += !p.finish(t0).delivered;
    }
    // Binomial(n, 0.1): standard deviation sqrt(n p (1-p)) ~ 95; allow 5 sigma.
    EXPECT_NEAR(lost, n * 0.1, 5 * 95);
    EXPECT_EQ(p.stats().drops_loss, static_cast<std::uint64_t>(lost));
}

TEST(Port, GilbertElliottLossesComeInBurstsAtTheStationaryRate) {
    LossSpec loss;
    loss.model = LossSpec::Model::GilbertElliott;
    loss.p_good_bad = 0.01;
    loss.p_bad_good = 0.2;
    loss.loss_good = 0.0;
    loss.loss_bad = 1.0;
    const LinkSpec spec6 = link(1'000'000'000, {}, loss);
    Port p(spec6, 1, Rng(9));
    const int n = 400'000;
    int lost = 0, runs = 0;
    bool prev = false;
    for (int i = 0; i < n; ++i) {
        p.offer(static_cast<std::uint32_t>(i), 100, t0);
        const bool l = !p.finish(t0).delivered;
        lost += l;
        runs += l && !prev;
        prev = l;
    }
    // Stationary bad-state share pi_B = p_gb / (p_gb + p_bg) = 0.01 / 0.21; with loss_bad = 1
    // a loss burst lasts 1 / p_bg = 5 packets on average.
    EXPECT_NEAR(static_cast<double>(lost) / n, 0.01 / 0.21, 0.006);
    EXPECT_NEAR(static_cast<double>(lost) / runs, 5.0, 0.5);
}

TEST(Port, RedDropsEarlyBeforeTheQueueIsFullAndNeverBelowItsMinimum) {
    LinkSpec l = link(1'000'000, QueueSpec{QueueSpec::Unit::Packets, 100});
    l.red = RedSpec{.enabled = true, .min = 5, .max = 15, .p_max = 0.1, .weight = 0.2};
    Port p(l, 1, Rng(3));
    p.offer(0, 100, t0);  // on the wire; the rest queue up, none is served
    std::size_t first_drop_queue = 0;
    for (std::uint32_t i = 1; i < 200; ++i) {
        const std::size_t before = p.queued_packets();
        const auto admit = p.offer(i, 100, t0);
        ASSERT_NE(admit, Port::Admit::DroppedFull);
        if (admit == Port::Admit::DroppedEarly && first_drop_queue == 0) first_drop_queue = before;
    }
    EXPECT_GT(p.stats().drops_red, 0u);
    EXPECT_EQ(p.stats().drops_queue_full, 0u);
    // The average lags the queue, so the first early drop comes at a queue above min; once
    // the average passes max every arrival is dropped and the queue stops growing.
    EXPECT_GT(first_drop_queue, 5u);
    EXPECT_LT(p.queued_packets(), 40u);
}

TEST(Port, RedIsOffByDefault) {
    const LinkSpec spec7 = link(1'000'000, QueueSpec{QueueSpec::Unit::Packets, 100});
    Port p(spec7, 1, Rng(3));
    for (std::uint32_t i = 0; i < 101; ++i)
        EXPECT_NE(p.offer(i, 100, t0), Port::Admit::DroppedEarly);
    EXPECT_EQ(p.offer(200, 100, t0), Port::Admit::DroppedFull);
}

// The occupancy invariant checked after every enqueue and dequeue: within capacity in the
// queue's own unit, and never a byte count that went below zero.
TEST(Port, QueueOccupancyCheckFiresOverCapacityOrBelowZero) {
    const QueueSpec bytes{QueueSpec::Unit::Bytes, 250};
    const QueueSpec packets{QueueSpec::Unit::Packets, 2};
    EXPECT_NO_THROW(check_queue_occupancy(bytes, 250, 3));
    EXPECT_NO_THROW(check_queue_occupancy(packets, 10'000, 2));
    EXPECT_NO_THROW(check_queue_occupancy(bytes, 0, 0));
    EXPECT_THROW(check_queue_occupancy(bytes, 251, 3), InvariantError);
    EXPECT_THROW(check_queue_occupancy(packets, 300, 3), InvariantError);
    // A byte count that wrapped below zero: more than any capacity, or bytes in an empty queue.
    EXPECT_THROW(check_queue_occupancy(bytes, UINT64_MAX - 99, 1), InvariantError);
    EXPECT_THROW(check_queue_occupancy(packets, UINT64_MAX - 99, 0), InvariantError);
    EXPECT_EQ(bytes_after_dequeue(300, 100), 200u);
    EXPECT_EQ(bytes_after_dequeue(100, 100), 0u);
    EXPECT_THROW(bytes_after_dequeue(99, 100), InvariantError);
}

// A zero-capacity queue (parse_queue accepts "0pkt" and "0B"): the idle transmitter takes a
// packet, but nothing waits behind it.
TEST(Port, ZeroCapacityQueueTransmitsWhenIdleAndDropsWhenBusy) {
    for (const QueueSpec q :
         {QueueSpec{QueueSpec::Unit::Packets, 0}, QueueSpec{QueueSpec::Unit::Bytes, 0}}) {
        const LinkSpec spec = link(1'000'000, q);
        Port p(spec, 1, Rng(1));
        EXPECT_EQ(p.offer(1, 100, t0), Port::Admit::StartNow);
        EXPECT_EQ(p.offer(2, 100, t0), Port::Admit::DroppedFull);
        EXPECT_EQ(p.queued_packets(), 0u);
        const auto f = p.finish(t0 + std::chrono::microseconds(800));
        EXPECT_FALSE(f.next.has_value());
        EXPECT_EQ(p.offer(3, 100, t0 + std::chrono::microseconds(800)), Port::Admit::StartNow);
        EXPECT_EQ(p.stats().drops_queue_full, 1u);
    }
}
