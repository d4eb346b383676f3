#include "sim/scenario/scenario_error.hpp"

#include <utility>

namespace sim::scenario {

namespace {

std::string compose(const std::string& file, const std::string& json_path,
                    const std::string& reason) {
    std::string text = file + ": ";
    if (!json_path.empty()) text += json_path + ": ";
    return text + reason;
}

}  // namespace

ScenarioError::ScenarioError(std::string file, std::string json_path, std::string reason)
    : std::runtime_error(compose(file, json_path, reason)),
      file_(std::move(file)),
      json_path_(std::move(json_path)),
      reason_(std::move(reason)) {}

}  // namespace sim::scenario
