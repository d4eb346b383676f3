// compare.json and sweep.json (SPEC.md, outputs): statistics over independent replications
// of one configuration (a policy, or one combination of swept values), and the table that
// `msgsim compare` and `msgsim sweep` print.
//
// Every statistic is computed per replication first and then across replications, so the
// replications are the independent samples a Student-t interval needs; the many messages of
// one run are correlated (they share queues) and pooling them would understate the error.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sim::io {

/// What one replication contributes, read from its summary.json document so that the
/// definitions (what a drop is, how p99 is interpolated) are those of `msgsim run`.
struct ReplicationResult {
    std::uint64_t seed = 0;
    std::uint64_t sent = 0;       ///< messages.sent, per (message, recipient device)
    std::uint64_t delivered = 0;  ///< messages.delivered
    std::uint64_t latency_count = 0;
    double latency_mean = 0;  ///< ms; meaningful only when latency_count > 0
    double latency_p50 = 0;
    double latency_p99 = 0;
    std::uint64_t retransmissions = 0;
    std::uint64_t drops = 0;  ///< sum of packets.dropped.* (loss, queue full, link down, ...)
    std::uint64_t events = 0;
};

/// Extracts a ReplicationResult from a summary.json document (io::make_summary).
ReplicationResult replication_from_summary(std::uint64_t seed, const nlohmann::ordered_json& s);

/// A mean over replications and its 95 % Student-t confidence interval; the interval is
/// empty (nullopt) with fewer than two samples, where no spread can be estimated.
struct Estimate {
    double mean = 0;
    std::optional<std::pair<double, double>> ci95;
    std::size_t samples = 0;
};
Estimate estimate(const std::vector<double>& samples);

/// The statistics of one configuration over its replications.
struct GroupStats {
    std::size_t replications = 0;
    /// Pooled: total delivered / total sent over all replications (nullopt if nothing was
    /// sent). Pooling weighs each (message, device) equally, so a replication that happened
    /// to send few messages does not count as much as one that sent many.
    std::optional<double> delivered_ratio;
    Estimate delivered_ratio_per_rep;  ///< mean of per-replication ratios, with its CI
    /// Latency statistics are means of per-replication values over the replications that
    /// delivered at least one message (a run without deliveries has no latency at all).
    Estimate latency_mean, latency_p50, latency_p99;
    Estimate retransmissions, drops;  ///< per replication
    std::uint64_t sent = 0, delivered = 0;
};
GroupStats summarize(const std::vector<ReplicationResult>& reps);

/// One configuration's entry of compare.json / sweep.json: SPEC's keys (delivered_ratio,
/// latency_ms {mean, mean_ci95, p50, p99, p99_ci95}, retransmissions, drops) plus the
/// other intervals and every replication's values ("runs"). A missing value or interval
/// is null.
nlohmann::ordered_json group_json(const GroupStats& g, const std::vector<ReplicationResult>& reps);

/// compare.json: {"scenario", "replications", "confidence", "overrides", "policies": [...]}
/// with one entry per policy, in the order given.
nlohmann::ordered_json make_compare(
    const std::string& scenario, std::size_t replications,
    const std::vector<std::string>& overrides,
    const std::vector<std::pair<std::string, std::vector<ReplicationResult>>>& policies);

/// sweep.json: {"scenario", "replications", "confidence", "overrides", "rows": [...]}: one
/// row per combination, each with "set": {PATH: value, ...} (the swept paths only; fixed
/// overrides are listed once under "overrides").
nlohmann::ordered_json make_sweep(
    const std::string& scenario, std::size_t replications,
    const std::vector<std::string>& overrides,
    const std::vector<std::pair<nlohmann::ordered_json, std::vector<ReplicationResult>>>& rows);

/// The table printed on stdout: one line per entry of `doc["policies"]` or `doc["rows"]`,
/// columns aligned: the configuration (policy, or one column per swept path), delivered %,
/// mean ms [95% CI], p50 ms, p99 ms [95% CI], retransmissions and drops per replication.
std::string format_table(const nlohmann::ordered_json& doc);

/// Splits a sweep's `--set` value list on its top-level commas: commas inside brackets,
/// braces or double-quoted strings belong to a JSON value (`[1,2],[3]` is two values).
/// Throws std::invalid_argument for an empty element or unbalanced brackets or quotes.
std::vector<std::string> split_values(const std::string& list);

/// A `--set` value as the scenario loader reads it: JSON when it is valid JSON (0.02, true,
/// [..]), otherwise the string itself (10ms).
nlohmann::ordered_json override_value(const std::string& value);

}  // namespace sim::io
