#include "sim/cli/replications.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>

#include "sim/cli/commands.hpp"
#include "sim/cli/load.hpp"
#include "sim/core/check.hpp"
#include "sim/core/ranks.hpp"
#include "sim/io/json_file.hpp"
#include "sim/io/report.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/scenario_error.hpp"

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

// What ranks send rank 0, in a byte format of our own: integers little-endian, doubles as
// their IEEE bits (so rank 0 gets exactly the values a one-process run computes), strings
// length-prefixed.
class Writer {
public:
    void u8(std::uint8_t v) { bytes_.push_back(static_cast<std::byte>(v)); }
    void u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i)
            bytes_.push_back(static_cast<std::byte>(v >> (8 * i)));
    }
    void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
    void str(const std::string& s) {
        u64(s.size());
        for (char c : s)
            bytes_.push_back(static_cast<std::byte>(c));
    }
    std::vector<std::byte>& bytes() { return bytes_; }

private:
    std::vector<std::byte> bytes_;
};

class Reader {
public:
    explicit Reader(std::span<const std::byte> b) : b_(b) {}
    std::uint8_t u8() {
        need(1);
        return static_cast<std::uint8_t>(b_[at_++]);
    }
    std::uint64_t u64() {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<std::uint64_t>(b_[at_++]) << (8 * i);
        return v;
    }
    double f64() { return std::bit_cast<double>(u64()); }
    std::string str() {
        const std::uint64_t n = u64();
        need(n);
        std::string s(reinterpret_cast<const char*>(b_.data() + at_), n);
        at_ += n;
        return s;
    }
    bool done() const { return at_ == b_.size(); }

private:
    void need(std::uint64_t n) const {
        MSGSIM_CHECK(n <= b_.size() - at_, "a truncated message from another rank");
    }
    std::span<const std::byte> b_;
    std::size_t at_ = 0;
};

void write_result(Writer& w, const io::ReplicationResult& r) {
    for (std::uint64_t v : {r.seed, r.sent, r.delivered, r.latency_count})
        w.u64(v);
    for (double v : {r.latency_mean, r.latency_p50, r.latency_p99})
        w.f64(v);
    for (std::uint64_t v : {r.retransmissions, r.drops, r.events})
        w.u64(v);
}

io::ReplicationResult read_result(Reader& rd) {
    io::ReplicationResult r;
    r.seed = rd.u64();
    r.sent = rd.u64();
    r.delivered = rd.u64();
    r.latency_count = rd.u64();
    r.latency_mean = rd.f64();
    r.latency_p50 = rd.f64();
    r.latency_p99 = rd.f64();
    r.retransmissions = rd.u64();
    r.drops = rd.u64();
    r.events = rd.u64();
    return r;
}

// An exception crosses ranks as its kind and text, and is thrown again on rank 0 as the
// same kind, so main() reports it with the same message and exit code as in one process.
enum class ErrorKind : std::uint8_t { Other, Scenario, Invariant };

void write_error(Writer& w, const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const scenario::ScenarioError& x) {
        w.u8(static_cast<std::uint8_t>(ErrorKind::Scenario));
        w.str(x.file());
        w.str(x.json_path());
        w.str(x.reason());
    } catch (const InvariantError& x) {
        w.u8(static_cast<std::uint8_t>(ErrorKind::Invariant));
        w.str(x.what());
    } catch (const std::exception& x) {
        w.u8(static_cast<std::uint8_t>(ErrorKind::Other));
        w.str(x.what());
    } catch (...) {
        w.u8(static_cast<std::uint8_t>(ErrorKind::Other));
        w.str("unknown error");
    }
}

std::exception_ptr read_error(Reader& rd) {
    switch (static_cast<ErrorKind>(rd.u8())) {
        case ErrorKind::Scenario: {
            std::string file = rd.str(), path = rd.str(), reason = rd.str();
            return std::make_exception_ptr(
                scenario::ScenarioError(std::move(file), std::move(path), std::move(reason)));
        }
        case ErrorKind::Invariant:
            return std::make_exception_ptr(InvariantError(rd.str()));
        default:
            return std::make_exception_ptr(std::runtime_error(rd.str()));
    }
}

/// What a rank that is not rank 0 returns: it has printed and written nothing, and rank 0,
/// which reports for the whole run, gives the exit code.
Batch silent_batch() {
    Batch b;
    b.reporting = false;
    return b;
}

/// Between the agreement that every rank may run and the gather of results, every rank must
/// reach the gather. Failures of runs travel in it; anything else escaping on the way (a
/// failed allocation) stops every rank, rather than leaving the others waiting for ever.
class GatherGuard {
public:
    GatherGuard() = default;
    GatherGuard(const GatherGuard&) = delete;
    GatherGuard& operator=(const GatherGuard&) = delete;
    ~GatherGuard() {
        if (!armed_ || !ranks::parallel() || std::uncaught_exceptions() == 0) return;
        std::fprintf(stderr, "msgsim: rank %d failed before sending its results; stopping all\n",
                     ranks::rank());
        ranks::abort_all(kExitFailure);
    }
    void disarm() { armed_ = false; }

private:
    bool armed_ = true;
};

/// Every rank learns whether all of them got through `step` (one gather and one broadcast);
/// if one did not, rank 0 throws the failure of the lowest rank that had one (its own first)
/// and the others return false. A failure only some ranks see (the output directory exists
/// only on rank 0, a file missing on one machine) must not leave the others waiting.
bool all_ranks_succeeded(const std::exception_ptr& mine) {
    if (!ranks::parallel()) {
        if (mine) std::rethrow_exception(mine);
        return true;
    }
    Writer w;
    w.u8(mine ? 1 : 0);
    if (mine) write_error(w, mine);
    const auto by_rank = ranks::gather(w.bytes());
    std::exception_ptr first;
    for (const auto& bytes : by_rank) {
        Reader rd(bytes);
        if (rd.u8() == 0) continue;
        first = read_error(rd);
        break;
    }
    std::vector<std::byte> go{std::byte{first ? std::uint8_t{0} : std::uint8_t{1}}};
    go = ranks::broadcast(std::move(go));
    if (ranks::rank() == 0 && first) std::rethrow_exception(mine ? mine : first);
    return go.at(0) == std::byte{1};
}

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
    const bool root = ranks::rank() == 0;
    // Validate every configuration before running any, so a bad value in the last
    // configuration of a sweep is reported at once (exit 2) rather than after an hour.
    // Every rank validates (each needs the base seeds); only rank 0 creates the directory.
    std::vector<std::uint64_t> base_seed;
    std::exception_ptr setup_error;
    try {
        for (const auto& overrides : configs) {
            const model::ModelSpec spec = load_checked(o.scenario, overrides);
            if (batch.scenario_name.empty()) batch.scenario_name = spec.name;
            // Normally the scenario's seed (or --seed) for every configuration; differs only
            // if a sweep varies `seed` itself.
            base_seed.push_back(spec.seed);
        }
        batch.out_dir = o.out_dir.empty() ? std::filesystem::path("out") / batch.scenario_name
                                          : std::filesystem::path(o.out_dir);
        std::error_code ec;
        if (root) std::filesystem::create_directories(batch.out_dir, ec);
        if (ec) {
            throw io::OutputError("cannot create output directory " + batch.out_dir.string() +
                                  ": " + ec.message());
        }
    } catch (...) {
        setup_error = std::current_exception();
    }
    if (!all_ranks_succeeded(setup_error)) return silent_batch();
    GatherGuard guard;

    // Under MPI, rank r runs the (configuration, replication) pairs i with i % ranks == r,
    // numbered configuration-major: interleaving spreads both the configurations and the
    // replications evenly however many there are of each.
    const std::size_t total = configs.size() * n;
    const auto stride = static_cast<std::size_t>(ranks::size());
    std::vector<std::size_t> mine;
    for (std::size_t i = static_cast<std::size_t>(ranks::rank()); i < total; i += stride)
        mine.push_back(i);
    std::vector<io::ReplicationResult> results(total);
    std::vector<std::exception_ptr> errors(total);
    std::vector<char> interrupted(total, 0);
    std::vector<char> ran(total, 0);
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
            const std::size_t k = next.fetch_add(1);
            // After a failure or Ctrl-C, start nothing new: the batch is lost anyway.
            if (k >= mine.size() || failed.load() || g_interrupted.load()) break;
            const std::size_t i = mine[k];
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
                    ran[i] = 1;
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

    // Anything thrown from here to the gather would leave the other ranks waiting in it:
    // it travels to rank 0 as this rank's error instead.
    std::exception_ptr rank_error;
    try {
        unsigned jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
        jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, mine.size()));
        const bool tty = ::isatty(STDERR_FILENO) != 0;
        // Rank 0 draws its own share's progress; the others stay silent.
        ReplicationProgress progress(root && o.progress.value_or(tty && !o.quiet), mine.size());
        std::vector<std::jthread> threads;
        threads.reserve(jobs);
        for (unsigned t = 0; t < jobs; ++t)
            threads.emplace_back(worker);
        {
            std::unique_lock lock(mutex);
            for (;;) {
                const std::size_t d = done.load();
                progress.draw(d);
                // Every started task finishes and counts itself, but after a failure or
                // Ctrl-C the rest are skipped: then the join below waits for the tasks under
                // way.
                if (d >= mine.size() || failed.load() || g_interrupted.load()) break;
                cv.wait_for(lock, std::chrono::milliseconds(200));
            }
        }
        threads.clear();  // joins
        progress.finish();
    } catch (...) {
        rank_error = std::current_exception();
    }
    std::signal(SIGINT, SIG_DFL);
    bool any_interrupted =
        g_interrupted.load() ||
        std::any_of(interrupted.begin(), interrupted.end(), [](char x) { return x != 0; });

    if (ranks::parallel()) {
        // Each rank sends rank 0 its results and failures, by index, and whether it was
        // interrupted; rank 0 puts them where one process would have.
        Writer w;
        w.u8(any_interrupted ? 1 : 0);
        w.u8(rank_error ? 1 : 0);
        if (rank_error) write_error(w, rank_error);
        for (std::size_t i : mine) {
            if (ran[i] == 0 && !errors[i]) continue;
            w.u64(i);
            w.u8(errors[i] ? 1 : 0);
            if (errors[i]) {
                write_error(w, errors[i]);
            } else {
                write_result(w, results[i]);
            }
        }
        const auto by_rank = ranks::gather(w.bytes());
        guard.disarm();
        if (!root) return silent_batch();
        for (std::size_t r = 1; r < by_rank.size(); ++r) {
            Reader rd(by_rank[r]);
            if (rd.u8() != 0) any_interrupted = true;
            if (rd.u8() != 0 && !rank_error) rank_error = read_error(rd);
            while (!rd.done()) {
                const std::size_t i = rd.u64();
                MSGSIM_CHECK(i < total && i % stride == r, "a replication from the wrong rank");
                if (rd.u8() != 0) {
                    errors[i] = read_error(rd);
                } else {
                    results[i] = read_result(rd);
                    ran[i] = 1;
                }
            }
        }
    }
    batch.wall_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    for (std::size_t i = 0; i < total; ++i) {
        if (!errors[i]) continue;
        std::fprintf(stderr, "msgsim: replication %zu (seed %llu) of [%s] failed\n", i % n + 1,
                     static_cast<unsigned long long>(base_seed[i / n] + i % n),
                     join(configs[i / n]).c_str());
        std::rethrow_exception(errors[i]);
    }
    if (rank_error) std::rethrow_exception(rank_error);
    if (any_interrupted) return std::nullopt;
    MSGSIM_CHECK(std::all_of(ran.begin(), ran.end(), [](char x) { return x != 0; }),
                 "a replication neither ran nor failed");
    batch.results.resize(configs.size());
    for (std::size_t c = 0; c < configs.size(); ++c)
        batch.results[c].assign(results.begin() + static_cast<std::ptrdiff_t>(c * n),
                                results.begin() + static_cast<std::ptrdiff_t>((c + 1) * n));
    return batch;
}

}  // namespace sim::cli
