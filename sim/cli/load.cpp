#include "sim/cli/load.hpp"

#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"

namespace sim::cli {

model::ModelSpec load_checked(const std::string& file, const std::vector<std::string>& overrides) {
    model::ModelSpec spec = scenario::load_scenario_file(file, overrides);
    try {
        model::check_supported(spec);
    } catch (const model::UnsupportedError& e) {
        throw scenario::ScenarioError(file, e.json_path(), e.what());
    }
    return spec;
}

}  // namespace sim::cli
