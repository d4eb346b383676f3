// The command line as users meet it: subcommands, flags, exit codes and output files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "run_support.hpp"

using namespace msgsim_test;

namespace {
const std::string kChain = scenario_path("tests/integration/scenarios/chain.json").string();
const std::string kSpecExample = std::string(MSGSIM_SHARED_DIR) + "/examples/spec-example.json";
}  // namespace

TEST(Cli, SpecExampleValidatesAndRuns) {
    const auto dir = fresh_dir("spec-example");
    const auto v = run_msgsim("validate '" + kSpecExample + "'", dir);
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_NE(v.out.find("valid"), std::string::npos);
    const auto r = run_msgsim("run '" + kSpecExample + "' -o '" + dir.string() + "'", dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto summary = read_json(dir / "summary.json");
    for (const char* key : {"scenario", "seed", "policy", "sim_time_s", "wall_time_s", "events",
                            "messages", "latency_ms", "stages_ms", "packets", "links", "servers"}) {
        EXPECT_TRUE(summary.contains(key)) << key;
    }
    EXPECT_EQ(summary["scenario"], "alice-to-bob");
    const auto trace = read_json(dir / "trace.json");
    EXPECT_EQ(trace["scenario"], "alice-to-bob");
    EXPECT_FALSE(trace["messages"].empty());
    EXPECT_NE(r.out.find("latency"), std::string::npos);  // the human-readable summary
}

TEST(Cli, QuickstartRunsAndMeetsItsExpectations) {
    const auto dir = fresh_dir("quickstart");
    const auto r = run_msgsim("run '" + scenario_path("scenarios/quickstart.json").string() +
                                  "' -o '" + dir.string() + "'",
                              dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir / "summary.json"));
}

TEST(Cli, SetOverridesAScenarioValue) {
    const auto dir = fresh_dir("set");
    // links.1 is the uplink core link: 5 ms -> 10 ms adds 5 ms to the one message.
    const auto r = run_msgsim(
        "run '" + kChain + "' --quiet --set links.1.latency=10ms -o '" + dir.string() + "'", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_DOUBLE_EQ(read_json(dir / "summary.json")["latency_ms"]["max"].get<double>(),
                     13.76 + 5.0);
}

TEST(Cli, FailedExpectationExitsWithThree) {
    const auto dir = fresh_dir("expect");
    const auto r = run_msgsim(
        "run '" + kChain +
            "' --quiet --set 'expect=[{\"metric\":\"latency_ms.p99\",\"max\":10}]' -o '" +
            dir.string() + "'",
        dir);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("latency_ms.p99"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/expect/0"), std::string::npos) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir / "summary.json"));  // outputs are still written
}

TEST(Cli, UnknownPolicyIsABadScenarioWithItsPath) {
    const auto dir = fresh_dir("policy");
    const auto r =
        run_msgsim("run '" + kChain + "' --policy teleport -o '" + dir.string() + "'", dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/routing/policy"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("chain.json"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "summary.json"));
}

TEST(Cli, BadUsageExitsWithTwo) {
    const auto dir = fresh_dir("usage");
    EXPECT_EQ(run_msgsim("frobnicate", dir).exit_code, 2);
    EXPECT_EQ(run_msgsim("run", dir).exit_code, 2);
    EXPECT_EQ(run_msgsim("run '" + kChain + "' --trace everything", dir).exit_code, 2);
    const auto missing = run_msgsim("run '" + (dir / "nope.json").string() + "'", dir);
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;
}

TEST(Cli, PacketTraceHasOneJsonLinePerHop) {
    const auto dir = fresh_dir("packets");
    ASSERT_EQ(run_msgsim("run '" + kChain +
                             "' --quiet --trace packets --set protocol.receipts.delivered=false "
                             "--set protocol.receipts.read=false -o '" +
                             dir.string() + "'",
                         dir)
                  .exit_code,
              0);
    std::ifstream in(dir / "packets.jsonl");
    std::string line;
    int sent = 0, delivered = 0;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line);
        sent += j["what"] == "sent";
        delivered += j["what"] == "delivered";
    }
    // Data and ack each way: 4 packets, each crossing 2 links; 4 reach their endpoint.
    EXPECT_EQ(sent, 8);
    EXPECT_EQ(delivered, 4);
    EXPECT_FALSE(std::filesystem::exists(dir / "packets.jsonl.partial"));
}

TEST(Cli, ExplainNarratesTheJourneyWithTimestamps) {
    const auto dir = fresh_dir("explain");
    const auto r = run_msgsim("explain '" + kChain + "' --message 0", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("alice -> bob"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("alice-phone -> r1 -> srv"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("latency 13.760 ms"), std::string::npos) << r.out;
    EXPECT_EQ(run_msgsim("explain '" + kChain + "' --message 7", dir).exit_code, 2);
}

// explain tells the journey in the order it happens; the test pins the structure (which
// stages, in which order), not the prose.
TEST(Cli, ExplainByDefaultPicksTheMostEventfulMessageAndKeepsTheJourneyOrder) {
    const auto dir = fresh_dir("explain-default");
    const auto r =
        run_msgsim("explain '" + scenario_path("scenarios/quickstart.json").string() + "'", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const char* order[] = {"sends it",  "Encoded",   "Compressed", "encrypted",
                           "server",    "processed", "offline",    "has all packets",
                           "Decrypted", "Displayed", "Notified",   "Delivery receipt"};
    std::size_t at = 0;
    for (const char* step : order) {
        const auto found = r.out.find(step, at);
        ASSERT_NE(found, std::string::npos) << "missing or out of order: " << step << "\n" << r.out;
        at = found;
    }
}

TEST(Cli, HistoryIsCountedWhereTheScenarioKeepsIt) {
    const auto dir = fresh_dir("history");
    ASSERT_EQ(run_msgsim("run '" + kChain + "' --quiet --set protocol.history=both -o '" +
                             dir.string() + "'",
                         dir)
                  .exit_code,
              0);
    const auto h = read_json(dir / "summary.json")["history"];
    // One 60 B message: alice's device and bob's device keep the plaintext, the cloud one
    // encrypted copy (no compression, no overhead in chain.json: also 60 B).
    EXPECT_EQ(h["device"]["messages"], 2);
    EXPECT_EQ(h["device"]["bytes"], 120);
    EXPECT_EQ(h["cloud"]["messages"], 1);
    EXPECT_EQ(h["cloud"]["bytes"], 60);
}

TEST(Cli, EachExpectationIsReportedPassedOrFailed) {
    const auto dir = fresh_dir("expect-each");
    const auto r = run_msgsim("run '" + kChain +
                                  "' --set 'expect=[{\"metric\":\"messages.sent\",\"equals\":1},"
                                  "{\"metric\":\"latency_ms.p99\",\"max\":10}]' -o '" +
                                  dir.string() + "'",
                              dir);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.out.find("/expect/0 messages.sent: passed"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("/expect/1: latency_ms.p99 = 13.76, expected <= 10"), std::string::npos)
        << r.err;
}

// run --stats in one process says where the time went; the three parts are parts of the
// wall time summary.json reports, so they cannot add up to more.
TEST(Cli, StatsInOneProcessSplitTheRunsWallTime) {
    const auto dir = fresh_dir("stats");
    const auto r =
        run_msgsim("run '" + kChain + "' --quiet --stats -o '" + dir.string() + "'", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto at = r.out.find("run        one process: ");
    ASSERT_NE(at, std::string::npos) << r.out;
    double build = -1, loop = -1, cpu = -1, rate = -1, assemble = -1;
    ASSERT_EQ(std::sscanf(r.out.c_str() + at,
                          "run        one process: %lf s building the model, %lf s in the event "
                          "loop (%lf s CPU, %lf events/s), %lf s assembling the result",
                          &build, &loop, &cpu, &rate, &assemble),
              5)
        << r.out;
    const auto summary = read_json(dir / "summary.json");
    const double wall = summary["wall_time_s"].get<double>();
    for (const double part : {build, loop, cpu, rate, assemble})
        EXPECT_GE(part, 0.0);
    EXPECT_LE(build + loop + assemble, wall + 0.0015);  // each printed to the millisecond
    EXPECT_GT(summary["events"].get<double>(), 0.0);
}
