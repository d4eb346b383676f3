// msgsim: the command line. Parses the subcommand with CLI11, runs it, and turns every
// error into the exit codes of SPEC.md (0 ok, 1 failure, 2 bad input, 3 expectation).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "sim/cli/commands.hpp"
#include "sim/core/check.hpp"
#include "sim/core/ranks.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/scenario_error.hpp"

namespace {
/// "rank 2: " in a run over several MPI ranks, else nothing.
std::string rank_prefix() {
    return sim::ranks::parallel() ? "rank " + std::to_string(sim::ranks::rank()) + ": " : "";
}
/// An error only this rank may have met: the others could be waiting for it in a
/// collective, so a parallel run stops them all (MPI_Abort); alone, it just returns.
int stop_all_ranks(int code) {
    if (sim::ranks::parallel()) {
        std::fflush(stderr);
        sim::ranks::abort_all(code);
    }
    return code;
}
}  // namespace

int main(int argc, char** argv) {
    sim::ranks::Session session(argc, argv);  // MPI, when started by mpirun; first thing
    using namespace sim::cli;
    CLI::App app{"msgsim: a discrete-event simulator of instant-message delivery"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "msgsim 0.1.0");
    Action run =
        add_run(*app.add_subcommand("run", "Run a scenario and write summary.json and trace.json"));
    Action validate =
        add_validate(*app.add_subcommand("validate", "Check a scenario without running it"));
    Action explain = add_explain(
        *app.add_subcommand("explain", "Narrate one message's journey, stage by stage"));
    Action compare = add_compare(*app.add_subcommand(
        "compare", "Compare routing policies over replications; writes compare.json"));
    Action sweep = add_sweep(*app.add_subcommand(
        "sweep", "Run a scenario across --set values over replications; writes sweep.json"));
    Action plot = add_plot(*app.add_subcommand("plot", "Plot run directories (plots/plot_all.py)"));
    Action view = add_view(
        *app.add_subcommand("view", "Serve the trace viewer for a run directory on localhost"));
    Action diff = add_diff(*app.add_subcommand(
        "diff", "Compare two run directories; name the first message or event that differs"));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitBadInput;
    }
    try {
        for (const CLI::App* sub : app.get_subcommands()) {
            if (sub->get_name() == "run") return run();
            if (sub->get_name() == "validate") return validate();
            if (sub->get_name() == "explain") return explain();
            if (sub->get_name() == "compare") return compare();
            if (sub->get_name() == "sweep") return sweep();
            if (sub->get_name() == "plot") return plot();
            if (sub->get_name() == "view") return view();
            if (sub->get_name() == "diff") return diff();
        }
        return kExitBadInput;
    } catch (const sim::scenario::ScenarioError& e) {
        // Every rank reads the same input and finds the same error: one says it.
        if (sim::ranks::rank() == 0) std::fprintf(stderr, "msgsim: error: %s\n", e.what());
        return kExitBadInput;
    } catch (const sim::InvariantError& e) {
        std::fprintf(stderr, "msgsim: %sinternal error: %s\n", rank_prefix().c_str(), e.what());
        return stop_all_ranks(kExitFailure);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "msgsim: %serror: %s\n", rank_prefix().c_str(), e.what());
        return stop_all_ranks(kExitFailure);
    }
}
