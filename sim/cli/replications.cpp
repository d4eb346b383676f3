#include "sim/cli/replications.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "sim/cli/load.hpp"
#include "sim/io/json_file.hpp"
#include "sim/io/report.hpp"
#include "sim/model/simulation.hpp"

namespace sim::cli {

namespace {

std::atomic<bool> g_interrupted{false};
// C linkage ignores namespaces: the name must differ from run.cpp's handler.
extern "C" void on_sigint_replications(int) {
    g_interrupted.store(true);
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : " ") + x;
    return s;
}

/// "replications 7/20  elapsed 3 s" on stderr, redrawn by the thread that waits for the
/// workers; silent for the first second so quick batches print nothing.
class ReplicationProgress {
public:
    ReplicationProgress(bool enabled, std::size_t total) : enabled_(enabled), total_(total) {}
    void draw(std::size_t done) {
        if (!enabled_) return;
        const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
        if (elapsed < 1.0) return;
        drawn_ = true;
        const double eta =
            done > 0 ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done)
                     : 0.0;
        std::fprintf(stderr, "\rreplications %zu/%zu  elapsed %.0f s  eta %.0f s ", done, total_,
                     elapsed, eta);
        std::fflush(stderr);
    }
    void finish() {
        if (!drawn_) return;
        std::fprintf(stderr, "\r%60s\r", "");
        std::fflush(stderr);
    }

private:
    using Clock = std::chrono::steady_clock;
    bool enabled_;
    std::size_t total_;
    Clock::time_point start_ = Clock::now();
    bool drawn_ = false;
};

}  // namespace

void add_replication_options(CLI::App& app, ReplicationOptions& o) {
    app.add_option("scenario", o.scenario, "Scenario file (JSON)")->required();
    app.add_option("-o,--out", o.out_dir, "Output directory (default: out/<scenario name>)");
    app.add_option("--seed", o.seed,
                   "Base seed: replication k runs with seed BASE+k (default: the scenario's)");
    app.add_option("--until", o.until, "Override the duration, e.g. 30s");
    app.add_option("-n,--replications", o.replications,
                   "Independent replications per configuration (default 10)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
    app.add_option("-j,--jobs", o.jobs,
                   "Replications run at once (default: one per hardware thread)")
        ->check(CLI::Range(1u, 4096u));
    app.add_flag("-q,--quiet", o.quiet, "Print nothing but errors");
    app.add_flag_function(
        "--progress,!--no-progress", [&o](std::int64_t n) { o.progress = n > 0; },
        "Force the progress line on or off (default: on when stderr is a terminal)");
}

std::vector<std::string> shorthand_overrides(const ReplicationOptions& o) {
    std::vector<std::string> v;
    if (o.seed) v.push_back("seed=" + std::to_string(*o.seed));
    if (!o.until.empty()) v.push_back("duration=" + o.until);
    return v;
}

std::optional<Batch> run_replications(const ReplicationOptions& o,
                                      const std::vector<std::vector<std::string>>& configs) {
    Batch batch;
    const std::size_t n = o.replications;
    // Validate every configuration before running any, so a bad value in the last
    // configuration of a sweep is reported at once (exit 2) rather than after an hour.
    std::vector<std::uint64_t> base_seed;
    for (const auto& overrides : configs) {
        const model::ModelSpec spec = load_checked(o.scenario, overrides);
        if (batch.scenario_name.empty()) batch.scenario_name = spec.name;
        // Normally the scenario's seed (or --seed) for every configuration; differs only if a
        // sweep varies `seed` itself.
        base_seed.push_back(spec.seed);
    }
    batch.out_dir = o.out_dir.empty() ? std::filesystem::path("out") / batch.scenario_name
                                      : std::filesystem::path(o.out_dir);
    std::error_code ec;
    std::filesystem::create_directories(batch.out_dir, ec);
    if (ec) {
        throw io::OutputError("cannot create output directory " + batch.out_dir.string() + ": " +
                              ec.message());
    }

    const std::size_t total = configs.size() * n;
    std::vector<io::ReplicationResult> results(total);
    std::vector<std::exception_ptr> errors(total);
    std::vector<char> interrupted(total, 0);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::condition_variable cv;

    g_interrupted.store(false);
    std::signal(SIGINT, on_sigint_replications);
    const auto start = std::chrono::steady_clock::now();

    // Each task loads its own ModelSpec and runs it: nothing mutable is shared between
    // runs (the model has no global state), and each result lands at its own index.
    const auto worker = [&] {
        for (;;) {
            const std::size_t i = next.fetch_add(1);
            // After a failure or Ctrl-C, start nothing new: the batch is lost anyway.
            if (i >= total || failed.load() || g_interrupted.load()) break;
            const std::size_t c = i / n;
            const std::uint64_t seed = base_seed[c] + i % n;
            try {
                std::vector<std::string> overrides = configs[c];
                overrides.push_back("seed=" + std::to_string(seed));
                const model::ModelSpec spec = load_checked(o.scenario, overrides);
                model::RunHooks hooks;
                hooks.stop = &g_interrupted;
                const model::RunResult r = model::run_simulation(spec, hooks);
                if (r.interrupted) {
                    interrupted[i] = 1;
                } else {
                    results[i] = io::replication_from_summary(seed, io::make_summary(spec, r));
                }
            } catch (...) {
                errors[i] = std::current_exception();
                failed.store(true);
            }
            done.fetch_add(1);
            {
                // Taking the lock orders the notification after the waiter's check.
                std::lock_guard lock(mutex);
            }
            cv.notify_one();
        }
    };

    unsigned jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, total));
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    ReplicationProgress progress(o.progress.value_or(tty && !o.quiet), total);
    std::vector<std::jthread> threads;
    threads.reserve(jobs);
    for (unsigned t = 0; t < jobs; ++t)
        threads.emplace_back(worker);
    {
        std::unique_lock lock(mutex);
        for (;;) {
            const std::size_t d = done.load();
            progress.draw(d);
            // Every started task finishes and counts itself, but after a failure or Ctrl-C
            // the rest are skipped: then the join below waits for the tasks under way.
            if (d >= total || failed.load() || g_interrupted.load()) break;
            cv.wait_for(lock, std::chrono::milliseconds(200));
        }
    }
    threads.clear();  // joins
    progress.finish();
    std::signal(SIGINT, SIG_DFL);
    batch.wall_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    for (std::size_t i = 0; i < total; ++i) {
        if (!errors[i]) continue;
        std::fprintf(stderr, "msgsim: replication %zu (seed %llu) of [%s] failed\n", i % n + 1,
                     static_cast<unsigned long long>(base_seed[i / n] + i % n),
                     join(configs[i / n]).c_str());
        std::rethrow_exception(errors[i]);
    }
    if (g_interrupted.load() ||
        std::any_of(interrupted.begin(), interrupted.end(), [](char x) { return x != 0; })) {
        return std::nullopt;
    }
    batch.results.resize(configs.size());
    for (std::size_t c = 0; c < configs.size(); ++c)
        batch.results[c].assign(results.begin() + static_cast<std::ptrdiff_t>(c * n),
                                results.begin() + static_cast<std::ptrdiff_t>((c + 1) * n));
    return batch;
}

}  // namespace sim::cli
