// Loading a scenario for a subcommand: the loader's validation plus this build's
// feature check, both reported as scenario errors (exit code 2).
#pragma once

#include <string>
#include <vector>

#include "sim/model/spec.hpp"

namespace sim::cli {

model::ModelSpec load_checked(const std::string& file, const std::vector<std::string>& overrides);

}  // namespace sim::cli
