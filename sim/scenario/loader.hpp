// The scenario loader: a scenario file (SPEC.md) -> a validated model::ModelSpec. The only
// code that knows the file format; every problem is a ScenarioError naming the JSON path.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/model/spec.hpp"
#include "sim/scenario/scenario_error.hpp"

namespace sim::scenario {

/// Reads `file`, applies the `--set` overrides in order, validates. Throws ScenarioError
/// (also for an unreadable, empty or syntactically invalid file, or duplicate keys).
model::ModelSpec load_scenario_file(const std::filesystem::path& file,
                                    const std::vector<std::string>& overrides = {});

/// The same from an already parsed document. `file_name` is used in messages and its
/// directory as the base of relative paths inside the scenario.
model::ModelSpec load_scenario(nlohmann::json doc, const std::string& file_name,
                               const std::vector<std::string>& overrides = {});

/// Applies one `--set PATH=VALUE`: PATH is dotted (routing.policy, links.0.loss, seed), with
/// array indices as numbers; VALUE is parsed as JSON when it is valid JSON, else taken as a
/// string. Missing object keys on the way are created (validation then rejects unknown
/// ones). An index out of range or a path through a non-container is a ScenarioError whose
/// json_path() is "--set PATH".
void apply_override(nlohmann::json& doc, const std::string& assignment,
                    const std::string& file_name);

}  // namespace sim::scenario
