// summary.json, trace.json and the short human-readable summary, built from a run's
// results exactly as SPEC.md names them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/model/simulation.hpp"
#include "sim/model/spec.hpp"

namespace sim::io {

/// The summary.json document.
nlohmann::ordered_json make_summary(const model::ModelSpec& spec, const model::RunResult& r);
/// The trace.json document: one record per message, ordered by send time.
nlohmann::ordered_json make_trace(const model::ModelSpec& spec, const model::RunResult& r);
/// Up to this many population devices, topology.json lists each; above, only their counts
/// per router ("populations").
inline constexpr std::uint64_t kListedPopulationDevices = 10000;
/// topology.json: nodes (kind, user, region, location) and links, for plots and viewers.
nlohmann::ordered_json make_topology(const model::ModelSpec& spec);
/// A few lines for the terminal.
std::string format_summary(const nlohmann::ordered_json& summary);

/// One failed `expect` entry of the scenario.
struct ExpectationFailure {
    std::string where;    ///< JSON path of the entry
    std::string message;  ///< e.g. "latency_ms.p99 = 812.3, expected <= 500"
};
/// Checks the scenario's `expect` entries against a summary.
std::vector<ExpectationFailure> check_expectations(const std::vector<model::Expectation>& expect,
                                                   const nlohmann::ordered_json& summary);

}  // namespace sim::io
