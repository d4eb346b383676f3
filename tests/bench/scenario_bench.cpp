// Whole scenarios, end to end in one process: load the file, build the model, run it.
// Counters: events/s and messages/s (per CPU second of run_simulation, set-up included),
// and the run's own event and message counts. world.json (10^6 users, about a minute and
// 3.5 GB) is registered but filtered out unless asked for:
//   build/tests/bench/msgsim_bench_scenarios                           quickstart, congestion
//   build/tests/bench/msgsim_bench_scenarios --benchmark_filter=world  the million users
//   build/tests/bench/msgsim_bench_scenarios --benchmark_filter=chain  the chain workload
// Chain/N is tools/bench/chain_scenario.py N --size 230B (the workload of vs-ns3.sh, written
// by that script into the temporary directory): packets_per_s is its 100,000 datagrams per
// CPU second of run_simulation (model set-up included, parsing and outputs not);
// ChainSetup/N is the same run stopped at 1 ns, the set-up alone.
// tools/bench/chain_flatness.sh gives issue 8's figure from the msgsim binary instead: the
// event loop's packets per CPU second at N=10,000 and N=100, and their ratio.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
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

/// Writes the chain scenario with N phones per side (once per process) and loads it.
sim::model::ModelSpec load_chain(std::int64_t n) {
    const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                       ("msgsim-bench-chain-" + std::to_string(n) + ".json");
    const std::string command = "python3 '" + std::string(MSGSIM_SOURCE_DIR) +
                                "/tools/bench/chain_scenario.py' " + std::to_string(n) +
                                " --size 230B -o '" + file.string() + "'";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
    return sim::scenario::load_scenario_file(file.string(), {});
}

void run_chain(benchmark::State& state, bool setup_only) {
    sim::model::ModelSpec spec = load_chain(state.range(0));
    if (setup_only) spec.duration = sim::Duration{1};
    std::uint64_t packets = 0;
    for (auto _ : state) {
        const sim::model::RunResult r = sim::model::run_simulation(spec);
        packets += r.datagrams.sent;
        benchmark::DoNotOptimize(r.fingerprint);
    }
    state.counters["packets_per_s"] =
        benchmark::Counter(static_cast<double>(packets), benchmark::Counter::kIsRate);
    state.counters["phones_per_side"] = static_cast<double>(state.range(0));
}

void BM_Chain(benchmark::State& state) {
    run_chain(state, false);
}
void BM_ChainSetup(benchmark::State& state) {
    run_chain(state, true);
}

}  // namespace

BENCHMARK(BM_Chain)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChainSetup)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_scenario, quickstart, "scenarios/quickstart.json")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_scenario, congestion, "scenarios/congestion-reroute.json")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_scenario, world, "scenarios/world.json")
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

int main(int argc, char** argv) {
    // Without a filter, leave out the million-user run and the chain.
    bool filtered = false;
    for (int i = 1; i < argc; ++i)
        filtered = filtered || std::string(argv[i]).starts_with("--benchmark_filter");
    std::string skip_world = "--benchmark_filter=-world|Chain";
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
