// msgsim sweep: one scenario across the cartesian product of `--set PATH=V1,V2,...` values,
// N replications per combination with common random numbers, a table and DIR/sweep.json.
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "sim/cli/commands.hpp"
#include "sim/cli/replications.hpp"
#include "sim/core/ranks.hpp"
#include "sim/io/comparison.hpp"
#include "sim/io/json_file.hpp"

namespace sim::cli {

namespace {

struct SweepOptions {
    ReplicationOptions common;
};

struct Axis {
    std::string path;
    std::vector<std::string> values;
};

int sweep_command(const SweepOptions& o) {
    // A --set with one value is a fixed override; one with several is an axis of the sweep.
    std::vector<std::string> fixed = shorthand_overrides(o.common);
    std::vector<Axis> axes;
    for (const std::string& set : o.common.sets) {
        const std::size_t eq = set.find('=');
        if (eq == std::string::npos || eq == 0) {
            if (ranks::rank() == 0)  // every rank finds it; one says it
                std::fprintf(stderr, "msgsim: error: --set %s: expected PATH=V1,V2,...\n",
                             set.c_str());
            return kExitBadInput;
        }
        Axis axis{set.substr(0, eq), {}};
        try {
            axis.values = io::split_values(set.substr(eq + 1));
        } catch (const std::invalid_argument& e) {
            if (ranks::rank() == 0)  // every rank finds it; one says it
                std::fprintf(stderr, "msgsim: error: --set %s: %s\n", axis.path.c_str(), e.what());
            return kExitBadInput;
        }
        if (axis.values.size() == 1) {
            fixed.push_back(set);
            continue;
        }
        for (const Axis& a : axes) {
            if (a.path == axis.path) {
                if (ranks::rank() == 0)  // every rank finds it; one says it
                    std::fprintf(stderr, "msgsim: error: --set %s: the path is swept twice\n",
                                 axis.path.c_str());
                return kExitBadInput;
            }
        }
        axes.push_back(std::move(axis));
    }

    // The product, the first axis varying slowest (like nested loops in the order given).
    std::vector<std::vector<std::string>> configs;
    std::vector<nlohmann::ordered_json> labels;
    std::vector<std::size_t> index(axes.size(), 0);
    for (;;) {
        std::vector<std::string> overrides = fixed;
        nlohmann::ordered_json set = nlohmann::ordered_json::object();
        for (std::size_t a = 0; a < axes.size(); ++a) {
            const std::string& v = axes[a].values[index[a]];
            overrides.push_back(axes[a].path + "=" + v);
            set[axes[a].path] = io::override_value(v);
        }
        configs.push_back(std::move(overrides));
        labels.push_back(std::move(set));
        std::size_t a = axes.size();
        while (a > 0 && ++index[a - 1] == axes[a - 1].values.size())
            index[--a] = 0;
        if (a == 0) break;
    }

    const auto batch = run_replications(o.common, configs);
    if (!batch) {
        std::fprintf(stderr, "msgsim: interrupted; no outputs written\n");
        return kExitFailure;
    }
    if (!batch->reporting) return kExitOk;  // an MPI rank other than 0: rank 0 reports
    std::vector<std::pair<nlohmann::ordered_json, std::vector<io::ReplicationResult>>> rows;
    for (std::size_t i = 0; i < configs.size(); ++i)
        rows.emplace_back(labels[i], batch->results[i]);
    const auto doc = io::make_sweep(batch->scenario_name, o.common.replications, fixed, rows);
    io::write_json_atomic(batch->out_dir / "sweep.json", doc);
    if (!o.common.quiet) {
        std::printf(
            "%s: %zu combinations x %zu replications (the same seeds for every "
            "combination), %.1f s wall\n",
            batch->scenario_name.c_str(), configs.size(), o.common.replications,
            batch->wall_time_s);
        std::printf(
            "95%% confidence intervals over replications (Student t); latency of "
            "delivered (message, device) pairs; retransmissions and drops per "
            "replication\n\n");
        std::fputs(io::format_table(doc).c_str(), stdout);
        std::printf("\noutputs    %s\n", (batch->out_dir / "sweep.json").c_str());
    }
    return kExitOk;
}

}  // namespace

Action add_sweep(CLI::App& app) {
    auto o = std::make_shared<SweepOptions>();
    add_replication_options(app, o->common);
    app.add_option("--set", o->common.sets,
                   "PATH=V1,V2,... sweeps PATH over the values (commas inside [..], {..} or "
                   "\"..\" do not split); PATH=V is a fixed override")
        ->required()
        ->allow_extra_args(false);
    return [o] { return sweep_command(*o); };
}

}  // namespace sim::cli
