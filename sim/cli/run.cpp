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
#include "sim/io/json_file.hpp"
#include "sim/io/packet_trace.hpp"
#include "sim/io/report.hpp"
#include "sim/model/simulation.hpp"

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
};

int run_command(const RunOptions& o) {
    std::vector<std::string> overrides = o.sets;
    // Flags are overrides of scenario values, validated like the file itself.
    if (o.seed) overrides.push_back("seed=" + std::to_string(*o.seed));
    if (!o.until.empty()) overrides.push_back("duration=" + o.until);
    if (!o.policy.empty()) overrides.push_back("routing.policy=" + o.policy);
    model::ModelSpec spec = load_checked(o.scenario, overrides);
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
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw io::OutputError("cannot create output directory " + dir.string() + ": " +
                              ec.message());

    std::unique_ptr<io::PacketTrace> packet_trace;
    std::unique_ptr<io::EventTrace> event_trace;
    model::RunHooks hooks;
    if (!o.queue.empty()) hooks.queue = *parse_queue_kind(o.queue);
    if (spec.trace == model::TraceLevel::Packets) {
        packet_trace = std::make_unique<io::PacketTrace>(spec, dir / "packets.jsonl");
        hooks.observer = packet_trace.get();
    }
    if (spec.trace == model::TraceLevel::Events) {
        event_trace = std::make_unique<io::EventTrace>(spec, dir / "events.jsonl");
        hooks.on_event = [&](const Event& e) { event_trace->on_event(e); };
    }
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    ProgressBar bar(o.progress.value_or(tty && !o.quiet), spec.duration);
    hooks.progress = [&](Time t) { bar.update(t); };
    hooks.stop = &g_interrupted;
    std::signal(SIGINT, on_sigint);

    const model::RunResult result = model::run_simulation(spec, hooks);
    bar.finish();
    std::signal(SIGINT, SIG_DFL);
    if (result.interrupted) {
        std::fprintf(stderr, "msgsim: interrupted at simulated time %.3f s; no outputs written\n",
                     to_seconds(result.sim_time));
        return kExitFailure;
    }

    const nlohmann::ordered_json summary = io::make_summary(spec, result);
    if (spec.trace != model::TraceLevel::None)
        io::write_json_atomic(dir / "trace.json", io::make_trace(spec, result));
    io::write_json_atomic(dir / "topology.json", io::make_topology(spec));
    if (packet_trace) packet_trace->close();
    if (event_trace) event_trace->close();
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
    app.add_option("--queue", o->queue,
                   "Future event set: ladder (default), compact-heap or heap; every one gives "
                   "the same results (for comparing the kernel's speed)")
        ->check(CLI::IsMember({"ladder", "compact-heap", "heap"}));
    app.add_flag("-q,--quiet", o->quiet, "Print nothing but errors");
    app.add_flag_function(
        "--progress,!--no-progress", [o](std::int64_t n) { o->progress = n > 0; },
        "Force the progress bar on or off (default: on when stderr is a terminal)");
    return [o] { return run_command(*o); };
}

}  // namespace sim::cli
