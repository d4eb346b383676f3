// Determinism through the binary, on a scenario where loss, retransmission, queueing,
// queue-full drops and offline storage all happen: the same scenario and seed give
// byte-identical outputs across runs, across --trace levels, and whether replications run in
// parallel or one by one.
#include <gtest/gtest.h>
#include <unistd.h>

#include "run_support.hpp"

using namespace msgsim_test;

namespace {

const std::string kScenario =
    scenario_path("tests/integration/scenarios/determinism.json").string();

std::filesystem::path run_level(const std::filesystem::path& work, const std::string& name,
                                const std::string& level) {
    const auto dir = work / name;
    const auto r = run_msgsim(
        "run '" + kScenario + "' --quiet --trace " + level + " -o '" + dir.string() + "'", work);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir;
}

nlohmann::json summary_without_wall_time(const std::filesystem::path& dir) {
    auto s = read_json(dir / "summary.json");
    EXPECT_TRUE(s.contains("wall_time_s"));
    s.erase("wall_time_s");
    return s;
}

}  // namespace

// The scenario exercises what could break determinism; otherwise the tests below mean little.
TEST(Determinism, TheScenarioHasLossRetransmissionQueueingAndStorage) {
    const auto work = fresh_dir("det-features");
    const auto s = read_json(run_level(work, "run", "messages") / "summary.json");
    EXPECT_GT(s["messages"]["sent"].get<int>(), 40);
    EXPECT_GT(s["packets"]["retransmissions"].get<int>(), 0);
    EXPECT_GT(s["packets"]["dropped"]["loss"].get<int>(), 0);
    EXPECT_GT(s["packets"]["dropped"]["queue_full"].get<int>(), 0);
    EXPECT_GT(s["stages_ms"]["queueing"].get<double>(), 0.0);
    EXPECT_GT(s["stages_ms"]["offline_wait"].get<double>(), 0.0);
    EXPECT_GT(s["servers"][0]["stored_peak"].get<int>(), 0);
}

// Two runs at every trace level: every output file is byte-identical (summary.json apart
// from wall_time_s), and msgsim diff agrees.
TEST(Determinism, TwoRunsGiveByteIdenticalOutputsAtEveryTraceLevel) {
    const auto work = fresh_dir("det-twice");
    for (const std::string level : {"messages", "packets", "events"}) {
        const auto a = run_level(work, level + "-a", level);
        const auto b = run_level(work, level + "-b", level);
        EXPECT_EQ(read_text(a / "trace.json"), read_text(b / "trace.json")) << level;
        EXPECT_EQ(read_text(a / "topology.json"), read_text(b / "topology.json")) << level;
        EXPECT_EQ(summary_without_wall_time(a), summary_without_wall_time(b)) << level;
        if (level != "messages") {
            const std::string lines = level + ".jsonl";
            const std::string text = read_text(a / lines);
            EXPECT_GT(text.size(), 10000u) << lines;
            EXPECT_EQ(text, read_text(b / lines)) << lines;
        }
        const auto d = run_msgsim("diff '" + a.string() + "' '" + b.string() + "'", work);
        EXPECT_EQ(d.exit_code, 0) << level << "\n" << d.out << d.err;
    }
}

// Tracing observes, never perturbs: every level that writes trace.json (messages, packets,
// events) writes the same bytes, and `none`, which writes none (README: `--trace none` skips
// trace.json), has the same summary and fingerprint.
TEST(Determinism, TraceLevelsDoNotChangeTheResults) {
    const auto work = fresh_dir("det-levels");
    const auto none = run_level(work, "none", "none");
    const auto messages = run_level(work, "messages", "messages");
    const auto packets = run_level(work, "packets", "packets");
    const auto events = run_level(work, "events", "events");
    EXPECT_FALSE(std::filesystem::exists(none / "trace.json"));
    const std::string trace = read_text(messages / "trace.json");
    EXPECT_EQ(trace, read_text(packets / "trace.json"));
    EXPECT_EQ(trace, read_text(events / "trace.json"));
    const auto summary = summary_without_wall_time(messages);
    EXPECT_EQ(summary, summary_without_wall_time(none));
    EXPECT_EQ(summary, summary_without_wall_time(packets));
    EXPECT_EQ(summary, summary_without_wall_time(events));
    // What the JSON Lines traces share: every packet delivered to an endpoint is one
    // "delivered" line, as many as summary.json counts.
    const std::string lines = read_text(packets / "packets.jsonl");
    std::size_t delivered = 0;
    for (std::size_t pos = 0;
         (pos = lines.find("\"what\":\"delivered\"", pos)) != std::string::npos; ++pos)
        ++delivered;
    EXPECT_EQ(delivered, summary["packets"]["delivered"].get<std::size_t>());
    // And msgsim diff compares what both have: packets vs events differ only in which JSON
    // Lines file exists, which is not a difference.
    const auto d = run_msgsim("diff '" + packets.string() + "' '" + events.string() + "'", work);
    EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
    EXPECT_NE(d.out.find("not compared: only A has it"), std::string::npos) << d.out;
}

// Replications collected by index: compare.json and sweep.json are byte-identical whether
// the replications run one by one (--jobs 1) or in parallel (--jobs 2, --jobs 3).
TEST(Determinism, CompareAndSweepDoNotDependOnJobs) {
    const auto work = fresh_dir("det-jobs");
    const std::string compare =
        "compare '" + kScenario + "' --policy shortest-path --policy min-hop -n 3 --quiet ";
    const std::string sweep =
        "sweep '" + kScenario + "' --set links.2.bandwidth=200kbps,256kbps,1Mbps -n 2 --quiet ";
    for (const std::string jobs : {"1", "2", "3"}) {
        const auto c = run_msgsim(
            compare + "--jobs " + jobs + " -o '" + (work / ("c" + jobs)).string() + "'", work);
        ASSERT_EQ(c.exit_code, 0) << c.err;
        const auto s = run_msgsim(
            sweep + "--jobs " + jobs + " -o '" + (work / ("s" + jobs)).string() + "'", work);
        ASSERT_EQ(s.exit_code, 0) << s.err;
    }
    const std::string c1 = read_text(work / "c1" / "compare.json");
    const std::string s1 = read_text(work / "s1" / "sweep.json");
    EXPECT_GT(c1.size(), 100u);
    EXPECT_GT(s1.size(), 100u);
    for (const std::string jobs : {"2", "3"}) {
        EXPECT_EQ(c1, read_text(work / ("c" + jobs) / "compare.json")) << "--jobs " << jobs;
        EXPECT_EQ(s1, read_text(work / ("s" + jobs) / "sweep.json")) << "--jobs " << jobs;
    }
}
