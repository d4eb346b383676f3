// Whole scenarios, end to end in one process: load the file, build the model, run it.
// Counters: events/s and messages/s (per CPU second of run_simulation, set-up included),
// and the run's own event and message counts. world.json (10^6 users, about a minute and
// 3.5 GB) is registered but filtered out unless asked for:
//   build/tests/bench/msgsim_bench_scenarios                                  quickstart,
//   congestion build/tests/bench/msgsim_bench_scenarios --benchmark_filter=world         the
//   million users
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"

namespace {

void run_scenario(benchmark::State& state, const std::string& file) {
    const sim::model::ModelSpec spec =
        sim::scenario::load_scenario_file(std::string(MSGSIM_SOURCE_DIR) + "/" + file, {});
    std::uint64_t events = 0, messages = 0;
    for (auto _ : state) {
        const sim::model::RunResult r = sim::model::run_simulation(spec);
        events += r.events;
        messages += r.deliveries.sent;
        benchmark::DoNotOptimize(r.fingerprint);
    }
    state.counters["events_per_s"] =
        benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
    state.counters["messages_per_s"] =
        benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
    state.counters["events"] =
        static_cast<double>(events) / static_cast<double>(state.iterations());
    state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

}  // namespace

BENCHMARK_CAPTURE(run_scenario, quickstart, "scenarios/quickstart.json")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_scenario, congestion, "scenarios/congestion-reroute.json")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_scenario, world, "scenarios/world.json")
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

int main(int argc, char** argv) {
    // Without a filter, leave out the million-user run.
    bool filtered = false;
    for (int i = 1; i < argc; ++i)
        filtered = filtered || std::string(argv[i]).starts_with("--benchmark_filter");
    std::string skip_world = "--benchmark_filter=-world";
    std::vector<char*> args(argv, argv + argc);
    if (!filtered) args.push_back(skip_world.data());
    int count = static_cast<int>(args.size());
    args.push_back(nullptr);
    benchmark::Initialize(&count, args.data());
    if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
