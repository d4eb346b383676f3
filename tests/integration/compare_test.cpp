// msgsim compare, sweep, plot and view through the binary: SPEC's compare.json and
// sweep.json keys, common random numbers, results independent of --jobs, and intervals
// that shrink as replications grow.
#include <gtest/gtest.h>
#include <unistd.h>

#include "run_support.hpp"

using namespace msgsim_test;

namespace {

const std::string kLossy = scenario_path("tests/integration/scenarios/lossy-poisson.json").string();

double width(const nlohmann::json& ci) {
    return ci[1].get<double>() - ci[0].get<double>();
}

}  // namespace

TEST(Compare, WritesSpecKeysWithCommonSeedsAndIgnoresJobs) {
    const auto dir = fresh_dir("compare");
    const std::string base =
        "compare '" + kLossy + "' --policy shortest-path --policy min-hop --replications 4 ";
    const auto one = run_msgsim(base + "--jobs 1 -o '" + (dir / "j1").string() + "'", dir);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    const auto two = run_msgsim(base + "--jobs 2 -o '" + (dir / "j2").string() + "'", dir);
    ASSERT_EQ(two.exit_code, 0) << two.err;
    // Collected by index, so the thread count changes nothing: byte-identical files.
    EXPECT_EQ(read_text(dir / "j1" / "compare.json"), read_text(dir / "j2" / "compare.json"));

    const auto doc = read_json(dir / "j1" / "compare.json");
    EXPECT_EQ(doc["scenario"], "lossy-poisson");
    EXPECT_EQ(doc["replications"], 4);
    ASSERT_EQ(doc["policies"].size(), 2u);
    EXPECT_EQ(doc["policies"][0]["policy"], "shortest-path");
    EXPECT_EQ(doc["policies"][1]["policy"], "min-hop");
    for (const auto& p : doc["policies"]) {
        for (const char* key :
             {"policy", "delivered_ratio", "latency_ms", "retransmissions", "drops"})
            EXPECT_TRUE(p.contains(key)) << key;
        const auto& lat = p["latency_ms"];
        for (const char* key : {"mean", "mean_ci95", "p50", "p99", "p99_ci95"})
            ASSERT_TRUE(lat.contains(key)) << key;
        const double mean = lat["mean"].get<double>();
        EXPECT_LE(lat["mean_ci95"][0].get<double>(), mean);
        EXPECT_LE(mean, lat["mean_ci95"][1].get<double>());
        const double p99 = lat["p99"].get<double>();
        EXPECT_LE(lat["p99_ci95"][0].get<double>(), p99);
        EXPECT_LE(p99, lat["p99_ci95"][1].get<double>());
        EXPECT_GT(width(lat["mean_ci95"]), 0.0);  // the seeds differ, so the runs do
        const double ratio = p["delivered_ratio"].get<double>();
        EXPECT_GT(ratio, 0.0);
        EXPECT_LE(ratio, 1.0);
        // Common random numbers: replication k has the same seed under every policy,
        // starting from the scenario's seed.
        ASSERT_EQ(p["runs"].size(), 4u);
        for (int k = 0; k < 4; ++k)
            EXPECT_EQ(p["runs"][k]["seed"], 1 + k);
    }
    // The table on stdout.
    EXPECT_NE(one.out.find("shortest-path"), std::string::npos) << one.out;
    EXPECT_NE(one.out.find("min-hop"), std::string::npos);
    EXPECT_NE(one.out.find("mean ms [95% CI]"), std::string::npos);
    EXPECT_NE(one.out.find("p99 ms [95% CI]"), std::string::npos);
}

TEST(Compare, ConfidenceIntervalShrinksAsReplicationsGrow) {
    const auto dir = fresh_dir("compare-ci");
    const std::string base = "compare '" + kLossy + "' --policy shortest-path --quiet ";
    ASSERT_EQ(run_msgsim(base + "-n 3 -o '" + (dir / "n3").string() + "'", dir).exit_code, 0);
    ASSERT_EQ(run_msgsim(base + "-n 12 -o '" + (dir / "n12").string() + "'", dir).exit_code, 0);
    const auto few = read_json(dir / "n3" / "compare.json")["policies"][0]["latency_ms"];
    const auto many = read_json(dir / "n12" / "compare.json")["policies"][0]["latency_ms"];
    EXPECT_LT(width(many["mean_ci95"]), width(few["mean_ci95"]));
    EXPECT_LT(width(many["p99_ci95"]), width(few["p99_ci95"]));
}

TEST(Compare, SetMovesTheBaseSeed) {
    const auto dir = fresh_dir("compare-seed");
    const auto r =
        run_msgsim("compare '" + kLossy + "' --policy min-hop -n 2 --quiet --set seed=7 -o '" +
                       dir.string() + "'",
                   dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto runs = read_json(dir / "compare.json")["policies"][0]["runs"];
    EXPECT_EQ(runs[0]["seed"], 7);
    EXPECT_EQ(runs[1]["seed"], 8);
}

TEST(Compare, BadPolicyExitsWithTwoAndWritesNothing) {
    const auto dir = fresh_dir("compare-bad");
    const auto r =
        run_msgsim("compare '" + kLossy + "' --policy shortest-path --policy teleport -n 2 -o '" +
                       dir.string() + "'",
                   dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/routing/policy"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("lossy-poisson.json"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "compare.json"));
    EXPECT_EQ(run_msgsim("compare '" + kLossy + "' -n 2", dir).exit_code, 2);  // no --policy
    EXPECT_EQ(
        run_msgsim("compare '" + kLossy + "' --policy min-hop --replications 0", dir).exit_code, 2);
}

TEST(Sweep, TwoValuesMakeTwoRows) {
    const auto dir = fresh_dir("sweep");
    const auto r = run_msgsim("sweep '" + kLossy +
                                  "' --set links.1.loss=0,0.1 --set links.0.latency=2ms -n 3 -o '" +
                                  dir.string() + "'",
                              dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = read_json(dir / "sweep.json");
    EXPECT_EQ(doc["scenario"], "lossy-poisson");
    EXPECT_EQ(doc["replications"], 3);
    ASSERT_EQ(doc["rows"].size(), 2u);
    // Only the swept path names a row; the fixed override is listed once.
    EXPECT_EQ(doc["rows"][0]["set"], nlohmann::json({{"links.1.loss", 0}}));
    EXPECT_EQ(doc["rows"][1]["set"], nlohmann::json({{"links.1.loss", 0.1}}));
    EXPECT_EQ(doc["overrides"], nlohmann::json::array({"links.0.latency=2ms"}));
    for (const auto& row : doc["rows"]) {
        EXPECT_TRUE(row["latency_ms"].contains("mean_ci95"));
        EXPECT_TRUE(row["latency_ms"].contains("p99_ci95"));
        EXPECT_EQ(row["runs"][2]["seed"], 3);  // the same seeds in every row
    }
    EXPECT_NE(r.out.find("links.1.loss"), std::string::npos) << r.out;
}

TEST(Sweep, JsonValuesWithCommasAreOneValue) {
    const auto dir = fresh_dir("sweep-json");
    const auto r = run_msgsim(
        "sweep '" + kLossy +
            R"(' --set 'presence=[],[{"device":"bob-phone","offline":[["1s","3s"]]}]' -n 2 -o ')" +
            dir.string() + "'",
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = read_json(dir / "sweep.json")["rows"];
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0]["set"]["presence"], nlohmann::json::array());
    EXPECT_EQ(rows[1]["set"]["presence"][0]["device"], "bob-phone");
    EXPECT_EQ(run_msgsim("sweep '" + kLossy + "' --set 'links.1.loss=0,,1'", dir).exit_code, 2);
    EXPECT_EQ(run_msgsim("sweep '" + kLossy + "' --set links.1.loss=0,7 -n 2", dir).exit_code, 2);
}

TEST(PlotAndView, PassTheScriptsExitCodeThrough) {
    if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
    const auto dir = fresh_dir("view");
    // The viewer refuses a directory that does not exist (exit 2) before serving anything.
    const auto r = run_msgsim("view '" + (dir / "no such dir").string() + "'", dir);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("no such dir"), std::string::npos) << r.err;
}
