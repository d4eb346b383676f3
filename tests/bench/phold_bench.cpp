// PHOLD (phold.hpp) on msgsim's Scheduler: one Entity per LP, each event sends one event
// through Entity::send, so this measures the whole kernel (queue, virtual dispatch,
// fingerprint, checks) on a workload other simulators publish figures for.
#include "tests/bench/phold_bench.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <string>

#include "sim/core/scheduler.hpp"
#include "tests/bench/phold.hpp"
#include "tests/bench/report.hpp"

namespace bench {

namespace {

using sim::Duration;
using sim::EntityId;
using sim::Event;
using sim::Time;

/// Events per benchmark iteration (one Scheduler::run over a slice of simulated time).
constexpr double kSliceEvents = 100'000;
/// Warm-up: at least this many events, and at least twice the pending count, so every
/// initial event has been replaced about twice and the queue is in steady state.
constexpr double kMinWarmupEvents = 1'000'000;

class PholdLp final : public sim::Entity {
public:
    static constexpr sim::EventKind kEvent = 1;

    PholdLp(const phold::Config& config, EntityId id)
        : Entity(id), config_(&config), stream_(config, id) {}

    void on_event(const Event&) override {
        const phold::Hop hop = stream_.next(*config_, id());
        send(hop.dst, Duration{hop.delay_ns}, kEvent);
    }
    /// This LP's share of the initial events, at lookahead + Exp(mean) each.
    void seed(sim::Scheduler& s) {
        for (std::uint32_t i = 0; i < config_->per_lp; ++i) {
            s.schedule(Event{.when = Time{} + Duration{stream_.delay_ns(*config_)},
                             .seq = 0,
                             .src = id(),
                             .dst = id(),
                             .kind = kEvent});
        }
    }

private:
    const phold::Config* config_;
    phold::Stream stream_;
};

Duration sim_time_for(const phold::Config& c, double events) {
    return Duration{std::llround(events * phold::expected_ns_per_event(c))};
}

void BM_Phold(benchmark::State& state, const phold::Config& c, sim::QueueKind queue) {
    sim::Scheduler s(queue);
    std::deque<PholdLp> lps;  // entities are not movable; a deque never moves them
    for (EntityId id = 0; id < c.lps; ++id) {
        lps.emplace_back(c, id);
        s.add(lps.back());
    }
    for (PholdLp& lp : lps)
        lp.seed(s);
    const double warmup = std::max(kMinWarmupEvents, 2.0 * static_cast<double>(c.pending()));
    s.run(Time{} + sim_time_for(c, warmup));

    const Duration slice = sim_time_for(c, kSliceEvents);
    const std::uint64_t before = s.events_executed();
    const Time start = s.now();
    const AllocationMeter meter;
    for (auto _ : state)
        s.run(s.now() + slice);
    const std::uint64_t events = s.events_executed() - before;
    meter.report(state, events);
    report_events(state, events);
    state.counters["events"] = static_cast<double>(events);
    state.counters["pending"] = static_cast<double>(s.pending());
    // Cross-check of the model: phold::expected_ns_per_event(c) in steady state.
    state.counters["sim_ns_per_event"] =
        events == 0 ? 0.0
                    : static_cast<double>((s.now() - start).count()) / static_cast<double>(events);
    benchmark::DoNotOptimize(s.fingerprint());
}

}  // namespace

void register_phold(std::uint64_t events, bool fixed_count) {
    for (const phold::Config* c : {&phold::kConfigA, &phold::kConfigB, &phold::kConfigC}) {
        for (const sim::QueueKind q :
             {sim::QueueKind::Ladder, sim::QueueKind::CompactHeap, sim::QueueKind::Heap}) {
            const std::string name =
                std::string("BM_Phold/") + c->name + "/" + std::string(sim::queue_kind_name(q));
            auto* b = benchmark::RegisterBenchmark(
                name.c_str(), [c, q](benchmark::State& st) { BM_Phold(st, *c, q); });
            // items_per_second is per CPU second (Google Benchmark's default): on a shared
            // machine that is steadier than wall time, which the Time column still shows.
            b->Unit(benchmark::kMillisecond);
            if (fixed_count) {
                const auto iterations = std::max<std::uint64_t>(
                    1, static_cast<std::uint64_t>(
                           std::llround(static_cast<double>(events) / kSliceEvents)));
                b->Iterations(static_cast<benchmark::IterationCount>(iterations));
            }
        }
    }
}

}  // namespace bench
