// A model split into parts in one process (run_simulation_in_parts: windows of one
// lookahead, events and messages crossing as bytes, journals merged) gives the sequential
// run's results, byte for byte. This is the model-level check DESIGN.md asks for before MPI;
// tests/mpi/run_over_ranks.py then checks the same over real MPI ranks.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sim/io/report.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_error.hpp"

namespace {

using sim::model::ModelSpec;
using sim::model::RunResult;
using sim::net::PartitionMethod;

ModelSpec load(const std::string& name, const std::vector<std::string>& overrides = {}) {
    return sim::scenario::load_scenario_file(std::string(MSGSIM_SOURCE_DIR) + "/" + name,
                                             overrides);
}

/// summary.json and trace.json as written, wall-clock time left out.
std::pair<std::string, std::string> outputs(const ModelSpec& spec, const RunResult& r) {
    auto summary = sim::io::make_summary(spec, r);
    summary.erase("wall_time_s");
    return {summary.dump(1), sim::io::make_trace(spec, r).dump(1)};
}

void expect_same_in_parts(const ModelSpec& spec, std::initializer_list<std::uint32_t> parts,
                          std::uint64_t min_crossing) {
    const RunResult seq = sim::model::run_simulation(spec);
    const auto [summary, trace] = outputs(spec, seq);
    ASSERT_GT(seq.events, 1000u);
    for (const std::uint32_t k : parts) {
        for (const PartitionMethod m : {PartitionMethod::Region, PartitionMethod::Metis}) {
            if (m == PartitionMethod::Metis && !sim::net::metis_available()) continue;
            SCOPED_TRACE(std::to_string(k) + " parts, " + sim::net::partition_method_name(m));
            RunResult par;
            try {
                par = sim::model::run_simulation_in_parts(spec, m, k);
            } catch (const sim::model::UnsupportedError& e) {
                // METIS may put a device away from its server: refused, never run wrongly.
                EXPECT_EQ(m, PartitionMethod::Metis) << e.what();
                continue;
            }
            ASSERT_TRUE(par.parallel);
            EXPECT_EQ(par.parallel->ranks, k);
            if (k > 1) {
                EXPECT_GT(par.parallel->remote_events, min_crossing);
                EXPECT_GT(par.parallel->lookahead.count(), 0);
            }
            EXPECT_EQ(par.fingerprint, seq.fingerprint);
            EXPECT_EQ(par.events, seq.events);
            const auto [s, t] = outputs(spec, par);
            EXPECT_EQ(s, summary);
            EXPECT_EQ(t, trace);
        }
    }
}

TEST(PartitionedModel, MessagesAcrossRegionsGiveTheSequentialResults) {
    // Five regions; messages, delivery and read receipts and sync copies cross the backbone.
    expect_same_in_parts(load("scenarios/global-regions.json"), {1, 2, 3, 5}, 100);
}

TEST(PartitionedModel, APopulationWithChurnGivesTheSequentialResults) {
    // Seven regions, 5,000 users placed by city, devices going offline, offline storage.
    const ModelSpec spec =
        load("scenarios/world.json", {"population.users=5000", "duration=10min",
                                      "population.traffic.rate=6/h", "output.trace=messages"});
    expect_same_in_parts(spec, {2, 4, 7}, 1000);
}

TEST(PartitionedModel, LossyLinksAndRetransmissionsGiveTheSequentialResults) {
    // Loss on the backbone: resends are counted on both sides of the cut and merged.
    const ModelSpec spec = load("scenarios/global-regions.json",
                                {"links.6.loss=0.1", "links.7.loss=0.1", "links.11.loss=0.1",
                                 "links.13.loss=0.1", "links.17.loss=0.1"});
    expect_same_in_parts(spec, {2, 5}, 100);
}

TEST(PartitionedModel, RefusesACutLinkWithoutLatency) {
    ModelSpec spec = load("scenarios/global-regions.json");
    for (auto& l : spec.links) {
        if (spec.nodes[l.a].kind == sim::net::NodeKind::Router &&
            spec.nodes[l.b].kind == sim::net::NodeKind::Router)
            l.latency = sim::Duration{0};
    }
    try {
        sim::model::run_simulation_in_parts(spec, PartitionMethod::Region, 2);
        FAIL() << "a zero-latency cut ran";
    } catch (const sim::model::UnsupportedError& e) {
        EXPECT_NE(std::string(e.what()).find("zero latency"), std::string::npos) << e.what();
        EXPECT_EQ(e.json_path().rfind("/links/", 0), 0u) << e.json_path();
    }
}

TEST(PartitionedModel, AdaptiveRoutingAndLinkFailuresGiveTheSequentialResults) {
    // The routing controller is replicated in every part: routers' queue reports reach every
    // copy one control delay later, so every part sees the same route changes.
    ModelSpec spec = load("scenarios/global-regions.json",
                          {"routing.policy=congestion-aware", "routing.update_interval=50ms"});
    // Two backbone links fail and come back.
    for (const std::uint32_t link : {6u, 17u}) {
        sim::model::FaultSpec f;
        f.at = sim::kTimeZero + std::chrono::seconds(2);
        f.down_for = std::chrono::seconds(3);
        f.link = link;
        spec.faults.push_back(f);
    }
    const RunResult seq = sim::model::run_simulation(spec);
    ASSERT_FALSE(seq.route_updates.empty());
    expect_same_in_parts(spec, {2, 3, 5}, 100);
    const RunResult par = sim::model::run_simulation_in_parts(spec, PartitionMethod::Region, 3);
    ASSERT_TRUE(par.parallel);
    EXPECT_LE(par.parallel->lookahead, sim::model::kControlDelay);
}

TEST(PartitionedModel, RefusesWhatItCannotSplitYet) {
    // A load balancer's state is shared by every sender of its region.
    const ModelSpec spec = load("scenarios/server-pool.json");
    EXPECT_THROW(sim::model::run_simulation_in_parts(spec, PartitionMethod::Region, 2),
                 sim::model::UnsupportedError);
}

}  // namespace
