// Independent replications of several configurations of one scenario, run in parallel: the
// engine behind `msgsim compare` (a configuration per policy) and `msgsim sweep` (one per
// combination of swept values).
//
// Common random numbers: replication k of every configuration runs with seed base + k, so
// the configurations are compared on the same traffic and the same loss draws as far as the
// model allows, and differences between them are not drowned in seed-to-seed noise.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/io/comparison.hpp"

namespace sim::cli {

/// The options compare and sweep share.
struct ReplicationOptions {
    std::string scenario;
    std::string out_dir;
    std::vector<std::string> sets;  ///< --set PATH=VALUE as given
    std::optional<std::uint64_t> seed;
    std::string until;
    std::size_t replications = 10;
    unsigned jobs = 0;  ///< 0: one per hardware thread
    bool quiet = false;
    std::optional<bool> progress;
};

/// Registers scenario, -o, --seed, --until, --replications, --jobs, --quiet and
/// --progress/--no-progress (not --set: compare and sweep read it differently).
void add_replication_options(CLI::App& app, ReplicationOptions& o);

/// The overrides every configuration starts from: --seed and --until as `--set`s.
std::vector<std::string> shorthand_overrides(const ReplicationOptions& o);

struct Batch {
    std::string scenario_name;
    std::filesystem::path out_dir;  ///< created before anything ran
    /// Per configuration, its replications in seed order.
    std::vector<std::vector<io::ReplicationResult>> results;
    double wall_time_s = 0;
    /// False on MPI ranks other than 0: they ran their share of the replications and sent it
    /// to rank 0, which reports for the whole run; they hold no results and print and write
    /// nothing (exit 0: rank 0's exit code is the run's).
    bool reporting = true;
};

/// Loads every configuration (its overrides, applied after nothing else) once to validate it
/// and find its base seed, creates the output directory, then runs every (configuration,
/// replication) on o.jobs threads. Results are collected by index, so they do not depend on
/// the number of threads. Throws what loading or a run throws (the first failure in
/// configuration and replication order); nullopt if interrupted by Ctrl-C.
///
/// Under `mpirun -np N`, every rank runs the pairs whose index (configuration-major) is its
/// rank modulo N, on o.jobs threads of its own, and rank 0 gathers the results: its Batch,
/// and so everything printed and written, is the one of a one-process run. Failures (on any
/// rank) are thrown on rank 0 only; the other ranks then get a Batch with reporting false.
std::optional<Batch> run_replications(const ReplicationOptions& o,
                                      const std::vector<std::vector<std::string>>& configs);

}  // namespace sim::cli
