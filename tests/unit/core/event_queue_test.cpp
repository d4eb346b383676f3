// Tests of the future event sets (sim/core/event_queue): the 4-ary heap, the compact heap
// and the ladder queue must each pop events in exactly (when, src, seq) order, checked
// against a sorted std::multiset reference under several random workloads.
#include "sim/core/event_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <set>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/core/distribution.hpp"
#include "sim/core/rng.hpp"

namespace sim {
namespace {

Event make_event(std::int64_t when_ns, EntityId src, std::uint64_t seq, std::uint64_t payload = 0) {
    return Event{.when = Time{Duration{when_ns}},
                 .seq = seq,
                 .src = src,
                 .dst = 0,
                 .kind = 0,
                 .payload = payload};
}

template <class Queue>
class EventQueue : public ::testing::Test {};
using Queues = ::testing::Types<HeapQueue, CompactHeapQueue, LadderQueue>;
TYPED_TEST_SUITE(EventQueue, Queues);

TYPED_TEST(EventQueue, StartsEmpty) {
    TypeParam q;
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.size(), 0u);
}

TYPED_TEST(EventQueue, TracksSizeThroughPushesAndPops) {
    TypeParam q;
    q.push(make_event(5, 0, 0));
    q.push(make_event(3, 0, 1));
    EXPECT_FALSE(q.empty());
    EXPECT_EQ(q.size(), 2u);
    q.pop();
    EXPECT_EQ(q.size(), 1u);
    q.pop();
    EXPECT_TRUE(q.empty());
}

TYPED_TEST(EventQueue, TopIsTheEarliestEventAndPopReturnsIt) {
    TypeParam q;
    q.push(make_event(30, 0, 0, 300));
    q.push(make_event(10, 0, 1, 100));
    q.push(make_event(20, 0, 2, 200));
    EXPECT_EQ(q.top().payload, 100u);
    EXPECT_EQ(q.pop().payload, 100u);
    EXPECT_EQ(q.pop().payload, 200u);
    EXPECT_EQ(q.pop().payload, 300u);
}

TYPED_TEST(EventQueue, PopsEqualTimesBySourceThenSequence) {
    TypeParam q;
    // Pushed in an order that is neither sorted nor reverse sorted.
    q.push(make_event(7, 2, 0, 4));
    q.push(make_event(7, 1, 5, 3));
    q.push(make_event(7, 0, 9, 1));
    q.push(make_event(7, 1, 1, 2));
    q.push(make_event(7, 0, 3, 0));
    for (std::uint64_t expected = 0; expected < 5; ++expected) {
        EXPECT_EQ(q.pop().payload, expected);
    }
}

TYPED_TEST(EventQueue, AcceptsTheExtremesOfTheClock) {
    TypeParam q;
    q.push(make_event(INT64_MAX, 0, 0, 3));
    q.push(make_event(0, 0, 1, 1));
    q.push(make_event(INT64_MAX - 1, 0, 2, 2));
    EXPECT_EQ(q.pop().payload, 1u);
    q.push(make_event(INT64_MAX, 0, 3, 4));
    q.push(make_event(5, 0, 4, 0));
    for (const std::uint64_t expected : {0u, 2u, 3u, 4u}) {
        EXPECT_EQ(q.pop().payload, expected);
    }
    EXPECT_TRUE(q.empty());
}

/// Draws the delay of a new event after the current time.
using DelayFn = std::function<std::int64_t(Rng&)>;

/// Runs `operations` random pushes (probability push_percent) and pops through the queue
/// and a std::multiset, asserting that every top and pop agrees, then drains both.
template <class Queue>
void expect_same_order_as_reference(int operations, unsigned push_percent, EntityId sources,
                                    const DelayFn& delay, std::uint64_t seed) {
    Rng rng(seed);
    Queue q;
    std::multiset<Event> reference;
    std::vector<std::uint64_t> next_seq(sources, 0);
    std::uint64_t next_payload = 0;
    std::int64_t now = 0;
    for (int op = 0; op < operations; ++op) {
        const bool push = reference.empty() || rng.below(100) < push_percent;
        if (push) {
            const auto src = static_cast<EntityId>(rng.below(sources));
            const Event e = make_event(now + delay(rng), src, next_seq[src]++, next_payload++);
            q.push(e);
            reference.insert(e);
        } else {
            ASSERT_FALSE(q.empty());
            const Event expected = *reference.begin();
            reference.erase(reference.begin());
            ASSERT_EQ(q.top().payload, expected.payload) << "at operation " << op;
            const Event got = q.pop();
            ASSERT_EQ(got.payload, expected.payload) << "at operation " << op;
            ASSERT_EQ(got.when, expected.when);
            ASSERT_EQ(got.src, expected.src);
            ASSERT_EQ(got.seq, expected.seq);
            now = got.when.time_since_epoch().count();
        }
        ASSERT_EQ(q.size(), reference.size());
    }
    for (const Event& expected : reference) {
        ASSERT_EQ(q.pop().payload, expected.payload);
    }
    EXPECT_TRUE(q.empty());
}

TYPED_TEST(EventQueue, PopsInKeyOrderWhenEqualTimesAreCommon) {
    // Times from a small range: many ties on when, and on (when, src).
    expect_same_order_as_reference<TypeParam>(
        100'000, 55, 16, [](Rng& r) { return static_cast<std::int64_t>(r.below(50)); }, 1);
}

TYPED_TEST(EventQueue, PopsInKeyOrderUnderAHoldModel) {
    // Exponential increments, a queue that grows to ~10^4: rungs, child rungs and top.
    const auto exp = Distribution::exponential(1e6);
    expect_same_order_as_reference<TypeParam>(
        200'000, 52, 1024, [&](Rng& r) { return exp.sample_duration(r).count(); }, 2);
}

TYPED_TEST(EventQueue, PopsInKeyOrderUnderBurstsAndFarTimers) {
    // A mix like a network model's: zero-delay events, microsecond hops, and rare
    // retransmission timers a million times further away; equal-time bursts.
    expect_same_order_as_reference<TypeParam>(
        200'000, 51, 64,
        [](Rng& r) -> std::int64_t {
            const auto u = r.below(100);
            if (u < 30) return 0;
            if (u < 90) return static_cast<std::int64_t>(r.below(2'000));
            if (u < 98) return 1'000'000 + static_cast<std::int64_t>(r.below(1'000'000));
            return 250'000'000'000;
        },
        3);
}

TYPED_TEST(EventQueue, PopsInKeyOrderWhenManyEventsShareOneTime) {
    // Thousands of events at one instant, then events just after it: a bucket that cannot
    // be split by time, and early events that would shift much of a sorted array.
    TypeParam q;
    std::multiset<Event> reference;
    Rng rng(4);
    std::uint64_t payload = 0;
    for (std::uint64_t i = 0; i < 5'000; ++i) {
        const Event e = make_event(1'000, static_cast<EntityId>(rng.below(5'000)), i, payload++);
        q.push(e);
        reference.insert(e);
    }
    for (int round = 0; round < 2'000; ++round) {
        const Event expected = *reference.begin();
        reference.erase(reference.begin());
        ASSERT_EQ(q.pop().payload, expected.payload) << "round " << round;
        const Event e =
            make_event(1'000 + static_cast<std::int64_t>(rng.below(3)),
                       static_cast<EntityId>(rng.below(5'000)), 10'000 + payload, payload);
        ++payload;
        q.push(e);
        reference.insert(e);
    }
    for (const Event& expected : reference) {
        ASSERT_EQ(q.pop().payload, expected.payload);
    }
    EXPECT_TRUE(q.empty());
}

TYPED_TEST(EventQueue, PopsInKeyOrderUnderARandomBulkLoadBelowTheFirstEvent) {
    // A model's set-up: the first event is late, then thousands come in random order, all
    // earlier. A ladder puts them below its only bucket, where a sorted array would have
    // to shift many records for each; they must still come out in order.
    TypeParam q;
    std::multiset<Event> reference;
    Rng rng(5);
    const Event first = make_event(1'000'000'000, 0, 0, 0);
    q.push(first);
    reference.insert(first);
    for (std::uint64_t i = 1; i < 20'000; ++i) {
        const auto when = static_cast<std::int64_t>(rng.below(100'000'000));
        const Event e = make_event(when, static_cast<EntityId>(rng.below(100)), i, i);
        q.push(e);
        reference.insert(e);
        if (i % 7 == 0) {
            ASSERT_EQ(q.pop().payload, reference.begin()->payload) << "at push " << i;
            reference.erase(reference.begin());
        }
    }
    for (const Event& expected : reference) {
        ASSERT_EQ(q.pop().payload, expected.payload);
    }
    EXPECT_TRUE(q.empty());
}

TYPED_TEST(EventQueue, AheadIsNullOrTheEventPoppedThatManyPopsLater) {
    // ahead(k) is a prefetch hint: when it answers, it names the event that pops k pops
    // from now (if nothing is pushed meanwhile). The heaps never answer; the ladder queue
    // does while its bottom holds the next events.
    TypeParam q;
    Rng rng(7, 2, StreamTag::Traffic);
    for (std::uint64_t i = 0; i < 3000; ++i)
        q.push(make_event(static_cast<std::int64_t>(rng.next() % 1000000), 1, i, i));
    int answered = 0;
    std::vector<std::pair<std::size_t, std::uint64_t>> promised;  // (pop index, payload)
    std::vector<std::uint64_t> popped;
    while (!q.empty()) {
        for (std::size_t k : {0u, 1u, 2u, 4u, 8u}) {
            if (const Event* e = q.ahead(k)) {
                promised.emplace_back(popped.size() + k, e->payload);
                ++answered;
            }
        }
        popped.push_back(q.pop().payload);
    }
    for (const auto& [index, payload] : promised) {
        ASSERT_LT(index, popped.size());
        EXPECT_EQ(popped[index], payload);
    }
    if (std::is_same_v<TypeParam, LadderQueue>) {
        EXPECT_GT(answered, 1000);
    }
}

// A network-like load: 2,000 sources each tick once a second (what a spread of top puts
// into rung 0, one bucket each), and every tick starts a packet of 19 hops, each 1 to
// 3 ms after the last, scheduled after the spread into the buckets already there. The
// ladder must add buckets (the refills would otherwise hold tens of events) and still pop
// exactly in key order.
TEST(LadderQueue, AddsBucketsWhenEventsScheduledAfterASpreadCrowdThem) {
    constexpr EntityId kSources = 2000;
    constexpr std::int64_t kPeriod = 1'000'000'000;
    constexpr std::uint64_t kHops = 19;
    Rng rng(11, 3, StreamTag::Traffic);
    LadderQueue q;
    std::multiset<Event> reference;
    std::vector<std::uint64_t> next_seq(kSources + 1, 0);
    auto push = [&](std::int64_t when, EntityId src, std::uint64_t payload) {
        const Event e = make_event(when, src, next_seq[src]++, payload);
        q.push(e);
        reference.insert(e);
    };
    // payload: hops left of a packet, or kHops + 1 for a source's tick.
    for (EntityId s = 0; s < kSources; ++s)
        push(static_cast<std::int64_t>(rng.below(kPeriod)), s, kHops + 1);
    for (int pops = 0; pops < 400'000; ++pops) {
        const Event expected = *reference.begin();
        reference.erase(reference.begin());
        const Event got = q.pop();
        ASSERT_EQ(got.src, expected.src) << "at pop " << pops;
        ASSERT_EQ(got.seq, expected.seq) << "at pop " << pops;
        ASSERT_EQ(got.when, expected.when);
        const std::int64_t now = got.when.time_since_epoch().count();
        const auto hop = [&] {
            return now + 1'000'000 + static_cast<std::int64_t>(rng.below(2'000'000));
        };
        if (got.payload == kHops + 1) {
            push(now + kPeriod, got.src, kHops + 1);
            push(hop(), kSources, kHops);
        } else if (got.payload > 1) {
            push(hop(), kSources, got.payload - 1);
        }
    }
    EXPECT_GT(q.bucket_density(), 1u);
    EXPECT_EQ(q.size(), reference.size());
}

TEST(QueueKind, NamesRoundTrip) {
    for (QueueKind k : {QueueKind::Heap, QueueKind::CompactHeap, QueueKind::Ladder}) {
        EXPECT_EQ(parse_queue_kind(queue_kind_name(k)), k);
    }
    EXPECT_FALSE(parse_queue_kind("calendar").has_value());
}

}  // namespace
}  // namespace sim
