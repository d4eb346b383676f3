// Comparing run outputs (sim/io/run_diff): JSON leaves, summaries, traces by message id and
// JSON Lines by line.
#include "sim/io/run_diff.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace sim::io;
using json = nlohmann::ordered_json;

TEST(JsonDifferences, ListsEveryDifferingLeafWithBothValues) {
    const json a = json::parse(R"({"x": 1, "y": {"z": [1, 2, 3]}, "only_a": true})");
    const json b = json::parse(R"({"x": 1.0, "y": {"z": [1, 5]}, "only_b": "s"})");
    const auto d = json_differences(a, b);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].path, "/y/z/1");
    EXPECT_EQ(*d[0].a, 2);
    EXPECT_EQ(*d[0].b, 5);
    EXPECT_EQ(d[1].path, "/y/z/2");  // only in a
    EXPECT_FALSE(d[1].b.has_value());
    EXPECT_EQ(d[2].path, "/only_a");
    EXPECT_EQ(d[3].path, "/only_b");
    EXPECT_FALSE(d[3].a.has_value());
    EXPECT_TRUE(json_differences(a, a).empty());
}

TEST(DiffSummaries, IgnoresWallClockKeysAndTheFingerprint) {
    const json a = json::parse(R"({"seed": 1, "wall_time_s": 0.5, "fingerprint": "ab",
                                   "x": {"setup_wall_s": 1}})");
    json b = a;
    b["wall_time_s"] = 9.0;
    b["fingerprint"] = "cd";
    b["x"]["setup_wall_s"] = 2;
    EXPECT_TRUE(diff_summaries(a, b).empty());
    b["seed"] = 2;
    const auto d = diff_summaries(a, b);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "/seed");
}

TEST(DiffTraces, NamesTheFirstDifferingMessageInIdOrder) {
    const json a = json::parse(R"({"seed": 1, "messages": [
        {"id": 0, "latency_ms": 5}, {"id": 2, "latency_ms": 6, "path": ["a", "b"]},
        {"id": 3, "latency_ms": 7}, {"id": 4, "latency_ms": 8}]})");
    const json b = json::parse(R"({"seed": 1, "messages": [
        {"id": 0, "latency_ms": 5}, {"id": 2, "latency_ms": 6, "path": ["a", "c"]},
        {"id": 4, "latency_ms": 9}, {"id": 5, "latency_ms": 1}]})");
    const TraceDiff d = diff_traces(a, b);
    EXPECT_TRUE(d.header.empty());
    EXPECT_EQ(d.messages_a, 4u);
    EXPECT_EQ(d.differing, 2u);  // 2 and 4
    EXPECT_EQ(d.only_a, std::vector<std::int64_t>{3});
    EXPECT_EQ(d.only_b, std::vector<std::int64_t>{5});
    ASSERT_TRUE(d.first.has_value());
    EXPECT_EQ(d.first->id, 2);
    EXPECT_EQ(d.first->only_in, 0);
    EXPECT_EQ(d.first->field.path, "/path/1");
    EXPECT_EQ(*d.first->field.a, "b");
    EXPECT_EQ(*d.first->field.b, "c");
    EXPECT_FALSE(d.identical());
    EXPECT_TRUE(diff_traces(a, a).identical());
}

TEST(DiffTraces, AMessageOnlyOneRunHasCanBeTheFirstDivergence) {
    const json a = json::parse(R"({"messages": [{"id": 0}, {"id": 1}]})");
    const json b = json::parse(R"({"messages": [{"id": 0}]})");
    const TraceDiff d = diff_traces(a, b);
    ASSERT_TRUE(d.first.has_value());
    EXPECT_EQ(d.first->id, 1);
    EXPECT_EQ(d.first->only_in, 'a');
}

TEST(DiffTraces, MalformedTracesThrowWithTheirPathAndSide) {
    const json good = json::parse(R"({"messages": []})");
    for (const char* bad : {R"({"messages": {}})", R"({"messages": [{"id": "1"}]})",
                            R"({"messages": [{"id": 1}, {"id": 1}]})", R"([1])"}) {
        try {
            diff_traces(good, json::parse(bad));
            ADD_FAILURE() << bad;
        } catch (const DiffInputError& e) {
            EXPECT_EQ(e.side(), 'b') << bad;
        }
    }
    try {
        diff_traces(json::parse(R"({"messages": [{"id": 0}, {"x": 1}]})"), good);
        ADD_FAILURE();
    } catch (const DiffInputError& e) {
        EXPECT_EQ(e.side(), 'a');
        EXPECT_EQ(e.where(), "/messages/1/id");
    }
}

TEST(DiffJsonLines, StopsAtTheFirstDifferentLineWithItsTime) {
    std::istringstream a("{\"t_ns\":1}\n{\"t_ns\":2,\"x\":1}\n{\"t_ns\":3}\n");
    std::istringstream b("{\"t_ns\":1}\n{\"t_ns\":2,\"x\":2}\nnot json at all\n");
    const LinesDiff d = diff_json_lines(a, b);
    EXPECT_EQ(d.lines_compared, 1u);
    ASSERT_TRUE(d.first.has_value());
    EXPECT_EQ(d.first->line, 2u);
    EXPECT_EQ(*d.first->t_ns_a, 2);
    EXPECT_EQ(*d.first->b, "{\"t_ns\":2,\"x\":2}");
}

TEST(DiffJsonLines, OneTraceEndingEarlyIsADifference) {
    std::istringstream a("{\"t_ns\":1}\n{\"t_ns\":2}\n");
    std::istringstream b("{\"t_ns\":1}\n");
    const LinesDiff d = diff_json_lines(a, b);
    ASSERT_TRUE(d.first.has_value());
    EXPECT_EQ(d.first->line, 2u);
    EXPECT_FALSE(d.first->b.has_value());
    std::istringstream c("{\"t_ns\":1}\n"), e("{\"t_ns\":1}\n");
    EXPECT_FALSE(diff_json_lines(c, e).first.has_value());
}

TEST(DiffJsonLines, ADifferingLineThatIsNotJsonThrows) {
    std::istringstream a("{\"t_ns\":1}\n");
    std::istringstream b("{\"t_ns\":1\n");
    try {
        diff_json_lines(a, b);
        FAIL();
    } catch (const DiffInputError& e) {
        EXPECT_EQ(e.side(), 'b');
        EXPECT_EQ(e.where(), "line 1");
    }
}
