// msgsim run: one simulation run, its outputs and its expectations.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "sim/cli/commands.hpp"
#include "sim/cli/load.hpp"
#include "sim/cli/progress.hpp"
#include "sim/core/ranks.hpp"
#include "sim/io/chrome_trace.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/json_file.hpp"
#include "sim/io/packet_trace.hpp"
#include "sim/io/pcap.hpp"
#include "sim/io/report.hpp"
#include "sim/io/timeseries.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/scenario_error.hpp"

namespace sim::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) {
    g_interrupted.store(true);
}

struct RunOptions {
    std::string scenario;
    std::string out_dir;
    std::optional<std::uint64_t> seed;
    std::string until;
    std::string policy;
    std::vector<std::string> sets;
    std::string trace;
    std::string queue;
    bool quiet = false;
    std::optional<bool> progress;
    bool csv = false;
    bool chrome_trace = false;
    std::vector<std::string> pcap;
    std::string timeseries;
    std::string partition;
    bool stats = false;
};

/// How the run was split and how its windows went (run --stats), on stdout.
void print_parallel_stats(const model::ParallelReport& p) {
    std::printf(
        "parallel   %u ranks, partition %s, %u cut links, lookahead %.3f ms, %llu windows\n",
        p.ranks, net::partition_method_name(p.method), p.cut_links, to_ms(p.lookahead),
        static_cast<unsigned long long>(p.windows));
    std::printf("parallel   %llu events crossed between parts\n",
                static_cast<unsigned long long>(p.remote_events));
    std::printf("parallel   rank 0: %.3f s building its part, %.3f s in windows, %.3f s merging\n",
                p.build_s, p.windows_s, p.merge_s);
    for (std::size_t r = 0; r < p.busy_s.size(); ++r) {
        const double total = p.busy_s[r] + p.wait_s[r];
        std::printf(
            "rank %-5zu nodes %llu, expected load %.0f, events %llu, running %.3f s, waiting "
            "%.3f s (%.0f %%)\n",
            r, static_cast<unsigned long long>(p.part_nodes[r]), p.part_weight[r],
            static_cast<unsigned long long>(p.part_events[r]), p.busy_s[r], p.wait_s[r],
            total > 0 ? 100.0 * p.wait_s[r] / total : 0.0);
    }
}

int run_command(const RunOptions& o) {
    std::vector<std::string> overrides = o.sets;
    // Flags are overrides of scenario values, validated like the file itself.
    if (o.seed) overrides.push_back("seed=" + std::to_string(*o.seed));
    if (!o.until.empty()) overrides.push_back("duration=" + o.until);
    if (!o.policy.empty()) overrides.push_back("routing.policy=" + o.policy);
    if (!o.timeseries.empty())
        overrides.push_back("output.timeseries={\"interval\":\"" + o.timeseries + "\"}");
    model::ModelSpec spec = load_checked(o.scenario, overrides);
    // Under mpirun with several ranks the model is split, one part per rank; rank 0 merges
    // and writes the outputs, which are those of a one-process run.
    const bool root = ranks::rank() == 0;
    std::optional<net::PartitionMethod> partition;
    if (!o.partition.empty() || ranks::parallel()) {
        net::PartitionMethod m = net::PartitionMethod::Region;
        if (!o.partition.empty()) net::parse_partition_method(o.partition, m);
        partition = m;
    }
    if (!o.trace.empty()) {
        static const std::pair<const char*, model::TraceLevel> kLevels[] = {
            {"none", model::TraceLevel::None},
            {"messages", model::TraceLevel::Messages},
            {"packets", model::TraceLevel::Packets},
            {"events", model::TraceLevel::Events}};
        for (const auto& [name, level] : kLevels) {
            if (o.trace == name) spec.trace = level;
        }
    }

    const std::filesystem::path dir = o.out_dir.empty() ? std::filesystem::path("out") / spec.name
                                                        : std::filesystem::path(o.out_dir);
    std::error_code ec;
    if (root) std::filesystem::create_directories(dir, ec);
    if (ec)
        throw io::OutputError("cannot create output directory " + dir.string() + ": " +
                              ec.message());

    std::unique_ptr<io::PacketTrace> packet_trace;
    std::unique_ptr<io::EventTrace> event_trace;
    std::unique_ptr<io::PcapExport> pcap;
    std::unique_ptr<io::ChromeTrace> chrome;
    std::unique_ptr<io::TimeSeriesWriter> timeseries;
    io::PacketFanout observers;
    model::RunHooks hooks;
    if (!o.pcap.empty()) {
        try {
            pcap = std::make_unique<io::PcapExport>(spec, dir, o.pcap);
        } catch (const io::PcapTargetError& e) {
            std::fprintf(stderr, "msgsim: error: %s: %s\n", o.scenario.c_str(), e.what());
            return kExitBadInput;
        }
        observers.add(pcap.get());
    }
    if (!o.queue.empty()) hooks.queue = *parse_queue_kind(o.queue);
    hooks.partition = partition;
    if (spec.trace == model::TraceLevel::Packets) {
        packet_trace = std::make_unique<io::PacketTrace>(spec, dir / "packets.jsonl");
        observers.add(packet_trace.get());
    }
    if (o.chrome_trace) {
        chrome = std::make_unique<io::ChromeTrace>(spec, dir / "chrome_trace.json");
        observers.add(chrome.get());
    }
    if (!observers.empty()) hooks.observer = &observers;
    if (spec.timeseries_interval > Duration{0}) {
        timeseries = std::make_unique<io::TimeSeriesWriter>(spec, dir / "timeseries.jsonl");
        hooks.sample_interval = spec.timeseries_interval;
        hooks.on_sample = [&](const model::StateSample& s) { timeseries->on_sample(s); };
    }
    if (spec.trace == model::TraceLevel::Events) {
        event_trace = std::make_unique<io::EventTrace>(spec, dir / "events.jsonl");
        hooks.on_event = [&](const Event& e) { event_trace->on_event(e); };
    }
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    ProgressBar bar(root && o.progress.value_or(tty && !o.quiet), spec.duration);
    hooks.progress = [&](Time t) { bar.update(t); };
    hooks.stop = &g_interrupted;
    std::signal(SIGINT, on_sigint);

    model::RunResult result;
    try {
        result = model::run_simulation(spec, hooks);
    } catch (const model::UnsupportedError& e) {
        // What a partitioned run cannot do is known only once the model is split.
        throw scenario::ScenarioError(o.scenario, e.json_path(), e.what());
    }
    bar.finish();
    std::signal(SIGINT, SIG_DFL);
    if (result.interrupted) {
        if (root)
            std::fprintf(stderr,
                         "msgsim: interrupted at simulated time %.3f s; no outputs written\n",
                         to_seconds(result.sim_time));
        return kExitFailure;
    }
    if (!root) return kExitOk;  // rank 0 holds the merged result
    if (o.stats) {
        if (result.parallel) {
            print_parallel_stats(*result.parallel);
        } else {
            const model::RunTimes& t = result.times;
            std::printf(
                "run        one process: %.3f s building the model, %.3f s in the event loop "
                "(%.3f s CPU, %.0f events/s), %.3f s assembling the result\n",
                t.build_s, t.loop_s, t.loop_cpu_s,
                t.loop_s > 0 ? static_cast<double>(result.events) / t.loop_s : 0.0, t.finish_s);
            std::printf("parallel   one process: run under mpirun -np N to split the model\n");
        }
    }

    const nlohmann::ordered_json summary = io::make_summary(spec, result);
    if (spec.trace != model::TraceLevel::None || o.csv) {
        const nlohmann::ordered_json trace = io::make_trace(spec, result);
        if (spec.trace != model::TraceLevel::None) io::write_json_atomic(dir / "trace.json", trace);
        if (o.csv) io::write_messages_csv(dir / "messages.csv", trace);
    }
    io::write_json_atomic(dir / "topology.json", io::make_topology(spec));
    if (packet_trace) packet_trace->close();
    if (event_trace) event_trace->close();
    if (pcap) pcap->close();
    if (chrome) chrome->finish(result);
    if (timeseries) timeseries->close();
    if (o.csv) io::write_summary_csv(dir / "summary.csv", summary);
    io::write_json_atomic(dir / "summary.json", summary);

    if (!o.quiet) {
        std::fputs(io::format_summary(summary).c_str(), stdout);
        std::printf("outputs    %s\n", dir.c_str());
    }
    // Each expectation is reported, passed or failed, so a teacher can grade from the output.
    bool all_passed = true;
    for (const model::Expectation& e : spec.expect) {
        const auto failures = io::check_expectations({e}, summary);
        if (failures.empty()) {
            if (!o.quiet)
                std::printf("expect     %s %s: passed\n", e.where.c_str(), e.metric.c_str());
            continue;
        }
        all_passed = false;
        for (const auto& f : failures) {
            std::fprintf(stderr, "msgsim: expectation failed: %s: %s: %s\n", o.scenario.c_str(),
                         f.where.c_str(), f.message.c_str());
        }
    }
    return all_passed ? kExitOk : kExitExpectationFailed;
}

}  // namespace

Action add_run(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    app.add_option("scenario", o->scenario, "Scenario file (JSON)")->required();
    app.add_option("-o,--out", o->out_dir, "Output directory (default: out/<scenario name>)");
    app.add_option("--seed", o->seed, "Override the scenario's seed");
    app.add_option("--until", o->until, "Override the duration, e.g. 30s");
    app.add_option("--policy", o->policy, "Override routing.policy");
    app.add_option("--set", o->sets,
                   "Override any scenario value: PATH=VALUE (e.g. links.0.loss=0.02)");
    app.add_option("--trace", o->trace,
                   "Trace detail: none, messages (trace.json), packets or events (JSON Lines)")
        ->check(CLI::IsMember({"none", "messages", "packets", "events"}));
    app.add_flag("--csv", o->csv,
                 "Also write summary.csv (key,value rows) and messages.csv (one row per "
                 "message and recipient device)");
    app.add_flag("--chrome-trace", o->chrome_trace,
                 "Also write chrome_trace.json for ui.perfetto.dev or chrome://tracing");
    app.add_option("--pcap", o->pcap,
                   "Capture the packets at a node (NODE) or on a link (FROM-TO) into "
                   "pcap/<name>.pcap, for Wireshark; repeatable");
    app.add_option("--timeseries", o->timeseries,
                   "Sample link and server queues every INTERVAL (e.g. 100ms) into "
                   "timeseries.jsonl (same as output.timeseries.interval)");
    app.add_option("--queue", o->queue,
                   "Future event set: ladder (default), compact-heap or heap; every one gives "
                   "the same results (for comparing the kernel's speed)")
        ->check(CLI::IsMember({"ladder", "compact-heap", "heap"}));
    app.add_option("--partition", o->partition,
                   "Under mpirun -np N: how the model is split into N parts, region (each "
                   "region's servers, routers and phones together; default) or metis")
        ->check(CLI::IsMember({"region", "metis"}));
    app.add_flag("--stats", o->stats,
                 "Print where the run's time went: in one process the model's build, the "
                 "event loop (wall, CPU, events/s) and assembling the result; under mpirun "
                 "the cut, the lookahead, windows, and each rank's events and share of time "
                 "spent waiting");
    app.add_flag("-q,--quiet", o->quiet, "Print nothing but errors");
    app.add_flag_function(
        "--progress,!--no-progress", [o](std::int64_t n) { o->progress = n > 0; },
        "Force the progress bar on or off (default: on when stderr is a terminal)");
    return [o] { return run_command(*o); };
}

}  // namespace sim::cli
