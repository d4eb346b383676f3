// The subcommands of the msgsim command line, one file each. Each registers its options
// on a CLI11 subcommand and returns the exit code of SPEC.md when run.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace sim::cli {

/// Exit codes (SPEC.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitExpectationFailed = 3;

/// A subcommand's action, run after parsing; returns the exit code.
using Action = std::function<int()>;

Action add_run(CLI::App& app);
Action add_validate(CLI::App& app);
Action add_explain(CLI::App& app);
Action add_compare(CLI::App& app);
Action add_sweep(CLI::App& app);
Action add_plot(CLI::App& app);
Action add_view(CLI::App& app);
Action add_diff(CLI::App& app);

}  // namespace sim::cli
