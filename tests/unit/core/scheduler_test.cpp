// Tests of the kernel loop (sim/core/scheduler): delivery order, equal-time determinism,
// lazily cancelled timers, run(until), invariant checks and the run fingerprint.
#include "sim/core/scheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/core/check.hpp"
#include "sim/core/rng.hpp"

namespace sim {
namespace {

using std::chrono::nanoseconds;

Time at(std::int64_t ns) {
    return Time{Duration{ns}};
}

/// One delivered event as the receiver saw it.
struct Delivery {
    Time when;
    EntityId src;
    std::uint64_t seq;
    EntityId dst;
    EventKind kind;
    std::uint64_t payload;
};

/// An entity that records every delivery into a log shared by the whole test, and whose
/// protected kernel calls are made public so tests can drive them from set-up.
class Recorder : public Entity {
public:
    Recorder(EntityId id, std::vector<Delivery>& log) : Entity(id), log_(log) {}
    void on_event(const Event& ev) override {
        log_.push_back({ev.when, ev.src, ev.seq, ev.dst, ev.kind, ev.payload});
    }
    using Entity::cancel_timer;
    using Entity::send;
    using Entity::start_timer;

private:
    std::vector<Delivery>& log_;
};

/// A small model of its own: `count` recorders registered in id order.
struct Model {
    explicit Model(EntityId count) {
        for (EntityId id = 0; id < count; ++id) {
            entities.push_back(std::make_unique<Recorder>(id, log));
            scheduler.add(*entities.back());
        }
    }
    Recorder& operator[](EntityId id) { return *entities[id]; }
    void schedule(std::int64_t when_ns, EntityId src, EntityId dst, std::uint64_t payload,
                  EventKind kind = 1) {
        scheduler.schedule(Event{.when = at(when_ns),
                                 .seq = 0,
                                 .src = src,
                                 .dst = dst,
                                 .kind = kind,
                                 .payload = payload});
    }
    std::vector<std::uint64_t> payloads() const {
        std::vector<std::uint64_t> out;
        for (const Delivery& d : log)
            out.push_back(d.payload);
        return out;
    }

    std::vector<Delivery> log;
    std::vector<std::unique_ptr<Recorder>> entities;
    Scheduler scheduler;
};

TEST(Scheduler, DeliversEventsInTimeSourceSequenceOrder) {
    Model m(4);
    m.schedule(50, 3, 0, 0);
    m.schedule(10, 2, 1, 1);
    m.schedule(50, 1, 2, 2);
    m.schedule(10, 2, 3, 3);
    m.schedule(0, 0, 1, 4);
    m.schedule(50, 1, 0, 5);
    EXPECT_EQ(m.scheduler.run(kTimeMax), 6u);
    ASSERT_EQ(m.log.size(), 6u);
    EXPECT_TRUE(std::is_sorted(m.log.begin(), m.log.end(), [](const auto& a, const auto& b) {
        return std::tie(a.when, a.src, a.seq) < std::tie(b.when, b.src, b.seq);
    }));
    EXPECT_EQ(m.payloads(), (std::vector<std::uint64_t>{4, 1, 3, 2, 5, 0}));
    EXPECT_EQ(m.scheduler.events_executed(), 6u);
    EXPECT_EQ(m.scheduler.pending(), 0u);
}

TEST(Scheduler, DeliversEachEventToItsDestinationWithItsKind) {
    Model m(3);
    m.schedule(5, 0, 2, 42, 7);
    m.scheduler.run(kTimeMax);
    ASSERT_EQ(m.log.size(), 1u);
    EXPECT_EQ(m.log[0].dst, 2u);
    EXPECT_EQ(m.log[0].kind, 7u);
    EXPECT_EQ(m.log[0].payload, 42u);
    EXPECT_EQ(m.scheduler.now(), at(5));
}

TEST(Scheduler, OrdersEqualTimesIndependentlyOfHowSourcesInterleave) {
    // Three sources each schedule two events at the same time. Every interleaving of the
    // sources (each source's own order kept) must execute in the same order.
    struct Item {
        EntityId src;
        std::uint64_t payload;
    };
    const std::vector<std::vector<Item>> insertion_orders = {
        {{0, 0}, {0, 1}, {1, 10}, {1, 11}, {2, 20}, {2, 21}},
        {{2, 20}, {1, 10}, {0, 0}, {2, 21}, {1, 11}, {0, 1}},
        {{1, 10}, {2, 20}, {2, 21}, {0, 0}, {1, 11}, {0, 1}},
    };
    std::vector<std::vector<std::uint64_t>> executions;
    for (const auto& order : insertion_orders) {
        Model m(3);
        for (const Item& item : order)
            m.schedule(100, item.src, 0, item.payload);
        m.scheduler.run(kTimeMax);
        executions.push_back(m.payloads());
    }
    const std::vector<std::uint64_t> expected = {0, 1, 10, 11, 20, 21};
    for (const auto& execution : executions)
        EXPECT_EQ(execution, expected);
}

TEST(Scheduler, SendDeliversAfterTheDelayAndNumbersBySender) {
    Model m(2);
    m[0].send(1, nanoseconds(30), 1, 100);
    m[1].send(0, nanoseconds(30), 1, 200);
    m[0].send(1, nanoseconds(10), 1, 101);
    m.scheduler.run(kTimeMax);
    ASSERT_EQ(m.log.size(), 3u);
    EXPECT_EQ(m.log[0].payload, 101u);
    EXPECT_EQ(m.log[0].when, at(10));
    EXPECT_EQ(m.log[0].seq, 1u);  // entity 0's second scheduled event
    EXPECT_EQ(m.log[1].payload, 100u);
    EXPECT_EQ(m.log[2].payload, 200u);
    EXPECT_EQ(m.log[2].src, 1u);
}

TEST(Scheduler, SendingWithNegativeDelayThrowsInvariantError) {
    Model m(2);
    EXPECT_THROW(m[0].send(1, nanoseconds(-1), 1), InvariantError);
    EXPECT_THROW(m[0].start_timer(nanoseconds(-1), 1), InvariantError);
    EXPECT_EQ(m.scheduler.pending(), 0u);
}

TEST(Scheduler, SendingToAnUnknownEntityThrowsInvariantError) {
    Model m(2);
    EXPECT_THROW(m[0].send(2, nanoseconds(1), 1), InvariantError);
}

TEST(Scheduler, RequiresDenseEntityIdsAddedInOrder) {
    std::vector<Delivery> log;
    Recorder first(1, log);
    Scheduler s;
    EXPECT_THROW(s.add(first), InvariantError);
    Recorder zero(0, log);
    s.add(zero);
    Recorder duplicate(0, log);
    EXPECT_THROW(s.add(duplicate), InvariantError);
    s.add(first);
    EXPECT_EQ(s.entity_count(), 2u);
}

TEST(Scheduler, NeverFiresACancelledTimer) {
    Model m(1);
    TimerHandle t = m[0].start_timer(nanoseconds(10), 9, 1);
    EXPECT_TRUE(t.armed());
    m[0].cancel_timer(t);
    EXPECT_FALSE(t.armed());
    m.scheduler.run(kTimeMax);
    EXPECT_TRUE(m.log.empty());
    EXPECT_EQ(m.scheduler.events_executed(), 0u);
}

TEST(Scheduler, FiresAnUncancelledTimerAtItsTime) {
    Model m(2);
    m[1].start_timer(nanoseconds(25), 9, 77);
    m.scheduler.run(kTimeMax);
    ASSERT_EQ(m.log.size(), 1u);
    EXPECT_EQ(m.log[0].when, at(25));
    EXPECT_EQ(m.log[0].dst, 1u);
    EXPECT_EQ(m.log[0].kind, 9u);
    EXPECT_EQ(m.log[0].payload, 77u);
}

TEST(Scheduler, CancellingAfterTheTimerFiredIsHarmless) {
    Model m(1);
    TimerHandle fired = m[0].start_timer(nanoseconds(10), 9, 1);
    m.scheduler.run(at(10));
    ASSERT_EQ(m.log.size(), 1u);
    // The fired timer's slot is free again; a new timer takes it.
    TimerHandle next = m[0].start_timer(nanoseconds(10), 9, 2);
    m[0].cancel_timer(fired);  // must not cancel `next`
    EXPECT_FALSE(fired.armed());
    m[0].cancel_timer(fired);  // nor does cancelling an empty handle do anything
    m.scheduler.run(kTimeMax);
    ASSERT_EQ(m.log.size(), 2u);
    EXPECT_EQ(m.log[1].payload, 2u);
    EXPECT_TRUE(next.armed());
}

TEST(Scheduler, DoesNotDeliverAStaleEventWhenItsTimerSlotIsReused) {
    Model m(1);
    TimerHandle late = m[0].start_timer(nanoseconds(20), 9, 1);
    const std::uint32_t slot = late.slot;
    m[0].cancel_timer(late);
    // Reuses the slot and fires first; the stale event of `late` (at 20) must stay dead
    // even though the slot is busy again with a newer generation.
    TimerHandle early = m[0].start_timer(nanoseconds(10), 9, 2);
    EXPECT_EQ(early.slot, slot);
    m.scheduler.run(at(15));
    ASSERT_EQ(m.log.size(), 1u);
    TimerHandle later = m[0].start_timer(nanoseconds(20), 9, 3);  // fires at 35
    EXPECT_EQ(later.slot, slot);
    m.scheduler.run(kTimeMax);
    ASSERT_EQ(m.log.size(), 2u);
    EXPECT_EQ(m.log[0].payload, 2u);
    EXPECT_EQ(m.log[1].payload, 3u);
    EXPECT_EQ(m.log[1].when, at(35));
    EXPECT_TRUE(later.armed());
}

TEST(Scheduler, ReusedSlotWithPendingStaleEventStillFiresTheNewTimer) {
    Model m(1);
    TimerHandle first = m[0].start_timer(nanoseconds(10), 9, 1);
    const std::uint32_t slot = first.slot;
    m[0].cancel_timer(first);
    TimerHandle second = m[0].start_timer(nanoseconds(30), 9, 2);
    EXPECT_EQ(second.slot, slot);  // the freed slot is reused
    m.scheduler.run(kTimeMax);
    ASSERT_EQ(m.log.size(), 1u);
    EXPECT_EQ(m.log[0].payload, 2u);
    EXPECT_EQ(m.log[0].when, at(30));
}

TEST(Scheduler, RunUntilStopsAtUntilAndLeavesLaterEventsPending) {
    Model m(1);
    m.schedule(10, 0, 0, 1);
    m.schedule(20, 0, 0, 2);
    m.schedule(21, 0, 0, 3);
    m.schedule(40, 0, 0, 4);
    EXPECT_EQ(m.scheduler.run(at(20)), 2u);  // an event exactly at `until` runs
    EXPECT_EQ(m.scheduler.now(), at(20));
    EXPECT_EQ(m.scheduler.pending(), 2u);
    EXPECT_EQ(m.scheduler.run(at(30)), 1u);
    EXPECT_EQ(m.scheduler.now(), at(30));  // time advances to `until` even without events
    EXPECT_EQ(m.scheduler.pending(), 1u);
    EXPECT_EQ(m.scheduler.run(kTimeMax), 1u);
    EXPECT_EQ(m.payloads(), (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(m.scheduler.events_executed(), 4u);
    EXPECT_EQ(m.scheduler.now(), at(40));
}

TEST(Scheduler, StopEndsTheRunAfterTheCurrentEvent) {
    std::vector<Time> seen;
    struct Stopper : Entity {
        Stopper(Scheduler& s, std::vector<Time>& seen) : Entity(0), s_(s), seen_(seen) {}
        void on_event(const Event& ev) override {
            seen_.push_back(ev.when);
            s_.stop();
        }
        Scheduler& s_;
        std::vector<Time>& seen_;
    };
    Scheduler s;
    Stopper e(s, seen);
    s.add(e);
    s.schedule(Event{.when = at(1), .seq = 0, .src = 0, .dst = 0, .kind = 1});
    s.schedule(Event{.when = at(2), .seq = 0, .src = 0, .dst = 0, .kind = 1});
    EXPECT_EQ(s.run(at(100)), 1u);
    EXPECT_TRUE(s.stopped());
    EXPECT_EQ(s.now(), at(1));  // not advanced to `until`
    EXPECT_EQ(s.pending(), 1u);
    EXPECT_EQ(seen.size(), 1u);
}

TEST(Scheduler, ReportsProgressEveryNEvents) {
    Model m(1);
    for (int i = 0; i < 10; ++i)
        m.schedule(i, 0, 0, static_cast<std::uint64_t>(i));
    std::vector<Time> reports;
    m.scheduler.run(
        kTimeMax, [&](Time t) { reports.push_back(t); }, 4);
    EXPECT_EQ(reports, (std::vector<Time>{at(3), at(7)}));
}

TEST(Scheduler, EventHookSeesEveryExecutedEventButNoCancelledTimer) {
    Model m(2);
    std::vector<std::uint64_t> hooked;
    m.scheduler.set_event_hook(
        [](void* context, const Event& e) {
            static_cast<std::vector<std::uint64_t>*>(context)->push_back(e.payload);
        },
        &hooked);
    m.schedule(10, 0, 1, 1);
    m.schedule(30, 1, 0, 3);
    TimerHandle cancelled = m[0].start_timer(nanoseconds(20), 9, 2);
    m[0].cancel_timer(cancelled);
    m.scheduler.run(at(10));
    EXPECT_EQ(hooked, (std::vector<std::uint64_t>{1}));
    m.scheduler.run(at(30));
    EXPECT_EQ(hooked, (std::vector<std::uint64_t>{1, 3}));
    EXPECT_EQ(hooked, m.payloads());
    m.scheduler.set_event_hook(nullptr, nullptr);
    m.schedule(40, 0, 1, 4);
    m.scheduler.run(kTimeMax);
    EXPECT_EQ(hooked.size(), 2u);
    EXPECT_EQ(m.log.size(), 3u);
}

/// A ping-pong model whose entities fold what they receive into the fingerprint.
class Pinger : public Entity {
public:
    using Entity::Entity;
    EntityId peer = 0;
    int remaining = 0;
    void on_event(const Event& ev) override {
        fingerprint(ev.payload);
        if (remaining-- > 0) send(peer, nanoseconds(3 + ev.payload % 5), 2, ev.payload * 3 + 1);
    }
};

std::uint64_t ping_pong_fingerprint(std::int64_t first_time, EventKind first_kind) {
    Scheduler s;
    std::array<Pinger, 3> entities{Pinger(0), Pinger(1), Pinger(2)};
    for (Pinger& p : entities) {
        p.peer = (p.id() + 1) % 3;
        p.remaining = 20;
        s.add(p);
    }
    s.schedule(Event{
        .when = at(first_time), .seq = 0, .src = 0, .dst = 0, .kind = first_kind, .payload = 1});
    s.schedule(Event{.when = at(5), .seq = 0, .src = 1, .dst = 2, .kind = 1, .payload = 2});
    s.run(kTimeMax);
    EXPECT_GT(s.events_executed(), 40u);
    return s.fingerprint();
}

TEST(Scheduler, FingerprintIsEqualForIdenticalRuns) {
    EXPECT_EQ(ping_pong_fingerprint(0, 1), ping_pong_fingerprint(0, 1));
}

TEST(Scheduler, FingerprintChangesWhenOneEventChanges) {
    const std::uint64_t base = ping_pong_fingerprint(0, 1);
    EXPECT_NE(ping_pong_fingerprint(1, 1), base);  // one event one nanosecond later
    EXPECT_NE(ping_pong_fingerprint(0, 2), base);  // one event of another kind
}

TEST(Scheduler, FingerprintOfAnIdleModelDependsOnTheEntityCount) {
    Scheduler one;
    Scheduler two;
    std::vector<Delivery> log;
    Recorder a(0, log), b(0, log), c(1, log);
    one.add(a);
    two.add(b);
    two.add(c);
    EXPECT_NE(one.fingerprint(), two.fingerprint());
}

}  // namespace
}  // namespace sim

namespace sim {
namespace {

/// Entities that send to random peers after random delays (many ties at equal times) and
/// restart a timeout on each event, so that most timers are cancelled while queued.
class Chatter : public Entity {
public:
    Chatter(EntityId id, EntityId count)
        : Entity(id), count_(count), rng_(7, id, StreamTag::Traffic) {}
    void on_event(const Event& ev) override {
        fingerprint(ev.payload);
        if (ev.kind == 2) return;  // a timeout that was not cancelled
        cancel_timer(timeout_);
        timeout_ = start_timer(nanoseconds(static_cast<std::int64_t>(rng_.below(400))), 2);
        const auto dst = static_cast<EntityId>(rng_.below(count_));
        send(dst, nanoseconds(static_cast<std::int64_t>(rng_.below(100))), 1, ev.payload + 1);
    }

private:
    EntityId count_;
    Rng rng_;
    TimerHandle timeout_;
};

/// Every executed event (time, target, kind, payload) folded into one hash, and the count.
std::pair<std::uint64_t, std::uint64_t> chatter_run(QueueKind queue) {
    constexpr EntityId kCount = 200;
    Scheduler s(queue);
    EXPECT_EQ(s.queue_kind(), queue);
    std::vector<std::unique_ptr<Chatter>> entities;
    for (EntityId id = 0; id < kCount; ++id) {
        entities.push_back(std::make_unique<Chatter>(id, kCount));
        s.add(*entities.back());
    }
    for (EntityId id = 0; id < kCount; ++id) {
        s.schedule(Event{.when = at(id % 7), .seq = 0, .src = id, .dst = id, .kind = 1});
    }
    std::uint64_t trace = 0;
    s.set_event_hook(
        [](void* ctx, const Event& e) {
            auto& h = *static_cast<std::uint64_t*>(ctx);
            h = mix64(h ^ static_cast<std::uint64_t>(e.when.time_since_epoch().count()) ^
                      (std::uint64_t{e.dst} << 32) ^ (std::uint64_t{e.kind} << 56) ^ e.payload);
        },
        &trace);
    s.run(at(50'000));
    return {mix64(trace ^ s.fingerprint()), s.events_executed()};
}

TEST(Scheduler, EveryQueueKindExecutesTheSameEventsInTheSameOrder) {
    const auto heap = chatter_run(QueueKind::Heap);
    EXPECT_GT(heap.second, 20'000u);
    EXPECT_EQ(chatter_run(QueueKind::CompactHeap), heap);
    EXPECT_EQ(chatter_run(QueueKind::Ladder), heap);
}

// The kernel never lets an event into the past: once time has advanced to 100 ns, an event
// injected for 99 ns is an invariant violation, while one at the current time is accepted.
TEST(Scheduler, InjectingAnEventInThePastThrowsInvariantError) {
    Model m(2);
    m.schedule(100, 0, 1, 1);
    m.scheduler.run(kTimeMax);
    ASSERT_EQ(m.scheduler.now(), at(100));
    EXPECT_THROW(m.schedule(99, 0, 1, 2), InvariantError);
    EXPECT_NO_THROW(m.schedule(100, 0, 1, 3));
    EXPECT_EQ(m.scheduler.pending(), 1u);
}

}  // namespace
}  // namespace sim
