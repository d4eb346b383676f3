// msgsim compare: one scenario under several routing policies, N replications each with
// common random numbers, a table on stdout and DIR/compare.json.
#include <cstdio>
#include <memory>

#include "sim/cli/commands.hpp"
#include "sim/cli/replications.hpp"
#include "sim/core/ranks.hpp"
#include "sim/io/comparison.hpp"
#include "sim/io/json_file.hpp"

namespace sim::cli {

namespace {

struct CompareOptions {
    ReplicationOptions common;
    std::vector<std::string> policies;
};

int compare_command(const CompareOptions& o) {
    for (std::size_t i = 0; i < o.policies.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (o.policies[i] == o.policies[j]) {
                if (ranks::rank() == 0)  // every rank finds it; one says it
                    std::fprintf(stderr, "msgsim: error: --policy %s given twice\n",
                                 o.policies[i].c_str());
                return kExitBadInput;
            }
        }
    }
    // The user's overrides first, the policy last, so `--set routing.policy=...` cannot
    // silently turn two configurations into the same one.
    std::vector<std::string> base = shorthand_overrides(o.common);
    base.insert(base.end(), o.common.sets.begin(), o.common.sets.end());
    std::vector<std::vector<std::string>> configs;
    for (const std::string& p : o.policies) {
        configs.push_back(base);
        configs.back().push_back("routing.policy=" + p);
    }
    const auto batch = run_replications(o.common, configs);
    if (!batch) {
        std::fprintf(stderr, "msgsim: interrupted; no outputs written\n");
        return kExitFailure;
    }
    if (!batch->reporting) return kExitOk;  // an MPI rank other than 0: rank 0 reports
    std::vector<std::pair<std::string, std::vector<io::ReplicationResult>>> groups;
    for (std::size_t i = 0; i < o.policies.size(); ++i)
        groups.emplace_back(o.policies[i], batch->results[i]);
    const auto doc = io::make_compare(batch->scenario_name, o.common.replications, base, groups);
    io::write_json_atomic(batch->out_dir / "compare.json", doc);
    if (!o.common.quiet) {
        const auto& first = batch->results.front();
        std::printf(
            "%s: %zu policies x %zu replications (seeds %llu..%llu, the same for every "
            "policy), %.1f s wall\n",
            batch->scenario_name.c_str(), o.policies.size(), o.common.replications,
            static_cast<unsigned long long>(first.front().seed),
            static_cast<unsigned long long>(first.back().seed), batch->wall_time_s);
        std::printf(
            "95%% confidence intervals over replications (Student t); latency of "
            "delivered (message, device) pairs; retransmissions and drops per "
            "replication\n\n");
        std::fputs(io::format_table(doc).c_str(), stdout);
        std::printf("\noutputs    %s\n", (batch->out_dir / "compare.json").c_str());
    }
    return kExitOk;
}

}  // namespace

Action add_compare(CLI::App& app) {
    auto o = std::make_shared<CompareOptions>();
    add_replication_options(app, o->common);
    app.add_option("--policy", o->policies,
                   "A routing policy to compare (repeat: --policy A --policy B)")
        ->required()
        ->allow_extra_args(false);  // one value per --policy: never swallow the scenario
    app.add_option("--set", o->common.sets,
                   "Override any scenario value for every policy: PATH=VALUE")
        ->allow_extra_args(false);
    return [o] { return compare_command(*o); };
}

}  // namespace sim::cli
