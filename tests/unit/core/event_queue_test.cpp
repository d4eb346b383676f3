// Tests of the future event set (sim/core/event_queue): a 4-ary heap must pop events in
// (when, src, seq) order, checked against a sorted std::multiset reference.
#include "sim/core/event_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

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

TEST(EventQueue, StartsEmpty) {
    EventQueue q;
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.size(), 0u);
}

TEST(EventQueue, TracksSizeThroughPushesAndPops) {
    EventQueue q;
    q.push(make_event(5, 0, 0));
    q.push(make_event(3, 0, 1));
    EXPECT_FALSE(q.empty());
    EXPECT_EQ(q.size(), 2u);
    q.pop();
    EXPECT_EQ(q.size(), 1u);
    q.pop();
    EXPECT_TRUE(q.empty());
}

TEST(EventQueue, TopIsTheEarliestEventAndPopReturnsIt) {
    EventQueue q;
    q.push(make_event(30, 0, 0, 300));
    q.push(make_event(10, 0, 1, 100));
    q.push(make_event(20, 0, 2, 200));
    EXPECT_EQ(q.top().payload, 100u);
    EXPECT_EQ(q.pop().payload, 100u);
    EXPECT_EQ(q.pop().payload, 200u);
    EXPECT_EQ(q.pop().payload, 300u);
}

TEST(EventQueue, PopsEqualTimesBySourceThenSequence) {
    EventQueue q;
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

TEST(EventQueue, PopsInKeyOrderLikeASortedMultisetUnderRandomPushesAndPops) {
    // 10^5 random operations; times come from a small range so equal times are common.
    constexpr int kOperations = 100'000;
    constexpr EntityId kSources = 16;
    Rng rng(20240601);
    EventQueue q;
    std::multiset<Event> reference;
    std::vector<std::uint64_t> next_seq(kSources, 0);
    std::uint64_t next_payload = 0;
    std::int64_t now = 0;
    for (int op = 0; op < kOperations; ++op) {
        // Push with probability 0.55, so the queue grows to a few thousand events.
        const bool push = reference.empty() || rng.below(100) < 55;
        if (push) {
            const auto src = static_cast<EntityId>(rng.below(kSources));
            const auto delay = static_cast<std::int64_t>(rng.below(50));
            const Event e = make_event(now + delay, src, next_seq[src]++, next_payload++);
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
    // Drain: the remainder must come out in reference order too.
    for (const Event& expected : reference) {
        ASSERT_EQ(q.pop().payload, expected.payload);
    }
    EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace sim
