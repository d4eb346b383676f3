// Expectations against a summary, and the atomic file writer.
#include "sim/io/report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/io/json_file.hpp"

using namespace sim;
using nlohmann::ordered_json;

namespace {
ordered_json summary() {
    return ordered_json::parse(R"({"latency_ms": {"p99": 120.5}, "messages": {"expired": 0}})");
}
model::Expectation expect(std::string metric, std::optional<double> min, std::optional<double> max,
                          std::optional<double> equals) {
    model::Expectation e;
    e.metric = std::move(metric);
    e.min = min;
    e.max = max;
    e.equals = equals;
    e.where = "/expect/0";
    return e;
}
}  // namespace

TEST(Expectations, PassWhenEveryBoundHolds) {
    EXPECT_TRUE(io::check_expectations({expect("latency_ms.p99", 100, 200, std::nullopt),
                                        expect("messages.expired", std::nullopt, std::nullopt, 0)},
                                       summary())
                    .empty());
}

TEST(Expectations, FailWithTheMetricTheValueAndTheBound) {
    const auto f = io::check_expectations(
        {expect("latency_ms.p99", std::nullopt, 100, std::nullopt)}, summary());
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].where, "/expect/0");
    EXPECT_NE(f[0].message.find("120.5"), std::string::npos) << f[0].message;
    EXPECT_NE(f[0].message.find("<= 100"), std::string::npos) << f[0].message;
}

TEST(Expectations, UnknownMetricIsAFailureNotASilentPass) {
    const auto f = io::check_expectations({expect("latency_ms.p42", 0, std::nullopt, std::nullopt)},
                                          summary());
    ASSERT_EQ(f.size(), 1u);
    EXPECT_NE(f[0].message.find("not a number"), std::string::npos);
}

TEST(AtomicWrite, LeavesNoPartialFileAndReplacesTheTarget) {
    const auto dir = std::filesystem::temp_directory_path() / "msgsim-io-test";
    std::filesystem::create_directories(dir);
    const auto target = dir / "x.json";
    io::write_json_atomic(target, ordered_json{{"a", 1}});
    io::write_json_atomic(target, ordered_json{{"a", 2}});
    std::ifstream in(target);
    EXPECT_EQ(ordered_json::parse(in)["a"], 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "x.json.partial"));
    EXPECT_THROW(io::write_json_atomic(dir / "no-such-dir" / "y.json", ordered_json{}),
                 io::OutputError);
}
