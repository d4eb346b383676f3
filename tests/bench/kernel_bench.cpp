// Benchmarks of the kernel: the classic hold model on each future event set (4-ary heap,
// compact heap, ladder queue) side by side with std::priority_queue, and events per
// second through the Scheduler (with its default queue).
// Each reports allocs_per_event in its timed loop (report.hpp). PHOLD is in phold_bench.cpp.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

#include "sim/core/distribution.hpp"
#include "sim/core/event_queue.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/scheduler.hpp"
#include "tests/bench/report.hpp"

namespace {

using sim::Duration;
using sim::EntityId;
using sim::Event;
using sim::Time;

// The hold model's Exp(1) increments, on our integer clock with the unit (the mean) set to
// 1 s = 10^9 ns, so that equal times stay as rare as in the continuous classic model.
// They are drawn once into a table so the benchmark measures the queue, not log().
constexpr double kHoldMeanNs = 1e9;
constexpr std::size_t kIncrements = 1 << 16;
constexpr EntityId kSources = 1024;

const std::vector<Duration>& increments() {
    static const std::vector<Duration> table = [] {
        std::vector<Duration> v(kIncrements);
        sim::Rng rng(20240601);
        const auto d = sim::Distribution::exponential(kHoldMeanNs);
        for (Duration& x : v)
            x = d.sample_duration(rng);
        return v;
    }();
    return table;
}

/// One of the kernel's future event sets (sim/core/event_queue.hpp).
template <class Queue>
class Kernel {
public:
    explicit Kernel(std::size_t n) { q_.reserve(n); }
    void push(const Event& e) { q_.push(e); }
    Event pop() { return q_.pop(); }

private:
    Queue q_;
};
using HeapQueue = Kernel<sim::HeapQueue>;
using CompactHeapQueue = Kernel<sim::CompactHeapQueue>;
using LadderQueue = Kernel<sim::LadderQueue>;

/// The standard library's binary heap with the same (when, src, seq) order.
class StdPriorityQueue {
public:
    explicit StdPriorityQueue(std::size_t n) : q_(Later{}, reserved(n)) {}
    void push(const Event& e) { q_.push(e); }
    Event pop() {
        const Event e = q_.top();
        q_.pop();
        return e;
    }

private:
    struct Later {
        bool operator()(const Event& a, const Event& b) const { return b < a; }
    };
    static std::vector<Event> reserved(std::size_t n) {
        std::vector<Event> v;
        v.reserve(n);
        return v;
    }
    std::priority_queue<Event, std::vector<Event>, Later> q_;
};

/// Hold model: with n events pending, each step pops the earliest and pushes a new one at
/// its time + Exp(1). One iteration is one event (a pop and a push).
template <class Queue>
void BM_Hold(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const std::vector<Duration>& inc = increments();
    std::size_t k = 0;
    std::uint64_t seq = 0;
    Queue q(n);
    for (std::size_t i = 0; i < n; ++i) {
        q.push(Event{.when = Time{} + inc[k++ % kIncrements],
                     .seq = seq++,
                     .src = static_cast<EntityId>(i % kSources),
                     .dst = 0,
                     .kind = 0});
    }
    auto hold = [&] {
        Event e = q.pop();
        e.when += inc[k++ % kIncrements];
        e.seq = seq++;
        q.push(e);
        return e.when;
    };
    // Warm up to the model's steady state before measuring: n holds.
    for (std::size_t i = 0; i < n; ++i)
        hold();
    const bench::AllocationMeter meter;
    for (auto _ : state)
        benchmark::DoNotOptimize(hold());
    meter.report(state, state.iterations());
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_Hold, HeapQueue)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);
BENCHMARK_TEMPLATE(BM_Hold, StdPriorityQueue)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);
BENCHMARK_TEMPLATE(BM_Hold, CompactHeapQueue)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);
BENCHMARK_TEMPLATE(BM_Hold, LadderQueue)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

/// An entity that answers every event by sending one to a random entity after an Exp(1)
/// delay: the hold model through the whole kernel (virtual dispatch, fingerprint, send).
class Pinger : public sim::Entity {
public:
    Pinger(EntityId id, EntityId count)
        : Entity(id), count_(count), rng_(1, id, sim::StreamTag::Traffic) {}
    void on_event(const Event& ev) override {
        const std::uint64_t r = rng_.next();
        const auto dst = static_cast<EntityId>((r >> 32) % count_);
        send(dst, increments()[r % kIncrements], 1, ev.payload + 1);
    }

private:
    EntityId count_;
    sim::Rng rng_;
};

/// Args: entity count, pending events.
void BM_SchedulerPingPong(benchmark::State& state) {
    const auto count = static_cast<EntityId>(state.range(0));
    const auto pending = static_cast<std::size_t>(state.range(1));
    sim::Scheduler s;
    std::vector<std::unique_ptr<Pinger>> entities;
    for (EntityId id = 0; id < count; ++id) {
        entities.push_back(std::make_unique<Pinger>(id, count));
        s.add(*entities.back());
    }
    for (std::size_t i = 0; i < pending; ++i) {
        s.schedule(Event{.when = Time{} + increments()[i % kIncrements],
                         .seq = 0,
                         .src = static_cast<EntityId>(i % count),
                         .dst = static_cast<EntityId>((i * 7) % count),
                         .kind = 1});
    }
    // Each slice of simulated time holds about 1000 events.
    const auto slice = Duration{static_cast<std::int64_t>(kHoldMeanNs * 1000 / pending)};
    s.run(Time{} + Duration{static_cast<std::int64_t>(kHoldMeanNs)});  // warm-up
    const std::uint64_t before = s.events_executed();
    const bench::AllocationMeter meter;
    for (auto _ : state)
        s.run(s.now() + slice);
    meter.report(state, s.events_executed() - before);
    bench::report_events(state, s.events_executed() - before);
    benchmark::DoNotOptimize(s.fingerprint());
}

BENCHMARK(BM_SchedulerPingPong)->Args({1000, 1000})->Args({1000, 100'000});

/// A transport-like entity: every data event restarts a retransmission timer (cancel the
/// old one, start a new one) and schedules its next data event. Cancelled timers stay in
/// the queue until their time (lazy deletion), so this also measures skipping them.
class Retransmitter : public sim::Entity {
public:
    static constexpr sim::EventKind kData = 1;
    static constexpr sim::EventKind kTimeout = 2;
    static constexpr Duration kRto{200'000'000};     // 200 ms
    static constexpr Duration kInterval{1'000'000};  // 1 ms between data events

    using Entity::Entity;
    void on_event(const Event& ev) override {
        if (ev.kind == kTimeout) {
            ++timeouts;
            return;
        }
        cancel_timer(rto_);
        rto_ = start_timer(kRto, kTimeout);
        send(id(), kInterval, kData, ev.payload + 1);
    }
    std::uint64_t timeouts = 0;

private:
    sim::TimerHandle rto_;
};

void BM_SchedulerTimerRestart(benchmark::State& state) {
    const auto count = static_cast<EntityId>(state.range(0));
    sim::Scheduler s;
    std::vector<std::unique_ptr<Retransmitter>> entities;
    for (EntityId id = 0; id < count; ++id) {
        entities.push_back(std::make_unique<Retransmitter>(id));
        s.add(*entities.back());
        // Spread the entities' phases over one interval.
        s.schedule(Event{.when = Time{} + Duration{Retransmitter::kInterval.count() * id / count},
                         .seq = 0,
                         .src = id,
                         .dst = id,
                         .kind = Retransmitter::kData});
    }
    s.run(Time{} + 2 * Retransmitter::kRto);  // warm-up: the queue fills with stale timers
    const std::uint64_t before = s.events_executed();
    const bench::AllocationMeter meter;
    for (auto _ : state)
        s.run(s.now() + Retransmitter::kInterval);
    meter.report(state, s.events_executed() - before);
    bench::report_events(state, s.events_executed() - before);
    std::uint64_t timeouts = 0;
    for (const auto& e : entities)
        timeouts += e->timeouts;
    if (timeouts != 0) state.SkipWithError("a cancelled retransmission timer fired");
    state.counters["pending"] = static_cast<double>(s.pending());
}

BENCHMARK(BM_SchedulerTimerRestart)->Arg(1000);

}  // namespace
