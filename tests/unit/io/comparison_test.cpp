// compare.json / sweep.json statistics from hand-made replication results, checked against
// values computed by hand (Student t over replications).
#include "sim/io/comparison.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace {

using sim::io::ReplicationResult;
using json = nlohmann::ordered_json;

// t_{0.975, df} (df = 2 in closed form: 0.95 / sqrt(2 * 0.975 * 0.025)), to 16 digits.
constexpr double kT2 = 4.302652729749464;
constexpr double kT3 = 3.182446305283708;

ReplicationResult rep(std::uint64_t seed, std::uint64_t sent, std::uint64_t delivered, double mean,
                      double p50, double p99, std::uint64_t retrans, std::uint64_t drops) {
    ReplicationResult r;
    r.seed = seed;
    r.sent = sent;
    r.delivered = delivered;
    r.latency_count = delivered;
    r.latency_mean = mean;
    r.latency_p50 = p50;
    r.latency_p99 = p99;
    r.retransmissions = retrans;
    r.drops = drops;
    return r;
}

// Three replications that delivered and one that delivered nothing (no latency at all).
std::vector<ReplicationResult> four_reps() {
    return {rep(1, 10, 10, 10, 5, 100, 1, 2), rep(2, 20, 18, 12, 6, 200, 3, 4),
            rep(3, 30, 27, 14, 7, 300, 5, 6), rep(4, 40, 0, 0, 0, 0, 7, 8)};
}

TEST(Comparison, StatisticsOverReplications) {
    const sim::io::GroupStats g = sim::io::summarize(four_reps());
    EXPECT_EQ(g.replications, 4u);
    EXPECT_EQ(g.sent, 100u);
    EXPECT_EQ(g.delivered, 55u);
    // Pooled over (message, device) pairs, not the mean of the ratios (0.7).
    ASSERT_TRUE(g.delivered_ratio.has_value());
    EXPECT_DOUBLE_EQ(*g.delivered_ratio, 0.55);
    EXPECT_DOUBLE_EQ(g.delivered_ratio_per_rep.mean, 0.7);

    // Latency over the three replications with deliveries: 10, 12, 14 -> s = 2.
    EXPECT_EQ(g.latency_mean.samples, 3u);
    EXPECT_DOUBLE_EQ(g.latency_mean.mean, 12.0);
    ASSERT_TRUE(g.latency_mean.ci95.has_value());
    const double h_mean = kT2 * 2 / std::sqrt(3.0);
    EXPECT_NEAR(g.latency_mean.ci95->first, 12.0 - h_mean, 1e-9);
    EXPECT_NEAR(g.latency_mean.ci95->second, 12.0 + h_mean, 1e-9);
    EXPECT_DOUBLE_EQ(g.latency_p50.mean, 6.0);
    // p99: 100, 200, 300 -> mean 200, s = 100.
    EXPECT_DOUBLE_EQ(g.latency_p99.mean, 200.0);
    const double h_p99 = kT2 * 100 / std::sqrt(3.0);
    EXPECT_NEAR(g.latency_p99.ci95->first, 200.0 - h_p99, 1e-9);
    EXPECT_NEAR(g.latency_p99.ci95->second, 200.0 + h_p99, 1e-9);

    // Counts over all four: 1, 3, 5, 7 -> mean 4, s^2 = 20 / 3.
    const double h_counts = kT3 * std::sqrt(20.0 / 3.0) / 2;
    EXPECT_DOUBLE_EQ(g.retransmissions.mean, 4.0);
    EXPECT_NEAR(g.retransmissions.ci95->first, 4.0 - h_counts, 1e-9);
    EXPECT_NEAR(g.retransmissions.ci95->second, 4.0 + h_counts, 1e-9);
    EXPECT_DOUBLE_EQ(g.drops.mean, 5.0);
    EXPECT_NEAR(g.drops.ci95->second, 5.0 + h_counts, 1e-9);
}

TEST(Comparison, CompareJsonHasTheSpecKeysAndValues) {
    const json doc = sim::io::make_compare(
        "net", 4, {"links.0.loss=0.1"}, {{"shortest-path", four_reps()}, {"min-hop", four_reps()}});
    EXPECT_EQ(doc["scenario"], "net");
    EXPECT_EQ(doc["replications"], 4);
    EXPECT_EQ(doc["overrides"], json::array({"links.0.loss=0.1"}));
    ASSERT_EQ(doc["policies"].size(), 2u);
    const json& p = doc["policies"][0];
    EXPECT_EQ(p["policy"], "shortest-path");
    EXPECT_EQ(doc["policies"][1]["policy"], "min-hop");
    EXPECT_DOUBLE_EQ(p["delivered_ratio"].get<double>(), 0.55);
    const json& lat = p["latency_ms"];
    for (const char* key : {"mean", "mean_ci95", "p50", "p99", "p99_ci95"})
        EXPECT_TRUE(lat.contains(key)) << key;
    EXPECT_DOUBLE_EQ(lat["mean"].get<double>(), 12.0);
    ASSERT_EQ(lat["mean_ci95"].size(), 2u);
    EXPECT_NEAR(lat["mean_ci95"][1].get<double>(), 12.0 + kT2 * 2 / std::sqrt(3.0), 1e-9);
    EXPECT_DOUBLE_EQ(lat["p99"].get<double>(), 200.0);
    EXPECT_EQ(lat["p99_ci95"].size(), 2u);
    EXPECT_DOUBLE_EQ(p["retransmissions"].get<double>(), 4.0);
    EXPECT_DOUBLE_EQ(p["drops"].get<double>(), 5.0);
    ASSERT_EQ(p["runs"].size(), 4u);
    EXPECT_EQ(p["runs"][3]["seed"], 4);
    EXPECT_EQ(p["runs"][3]["latency_ms"]["count"], 0);
}

TEST(Comparison, OneReplicationHasNoInterval) {
    const json doc =
        sim::io::make_compare("net", 1, {}, {{"min-hop", {rep(1, 10, 10, 10, 5, 100, 1, 2)}}});
    const json& lat = doc["policies"][0]["latency_ms"];
    EXPECT_DOUBLE_EQ(lat["mean"].get<double>(), 10.0);
    EXPECT_TRUE(lat["mean_ci95"].is_null());  // no spread from one sample: not a 0-width CI
    EXPECT_TRUE(lat["p99_ci95"].is_null());
}

TEST(Comparison, NothingDeliveredMeansNoLatency) {
    const json doc = sim::io::make_compare(
        "net", 2, {}, {{"min-hop", {rep(1, 0, 0, 0, 0, 0, 0, 0), rep(2, 0, 0, 0, 0, 0, 0, 0)}}});
    const json& p = doc["policies"][0];
    EXPECT_TRUE(p["delivered_ratio"].is_null());
    EXPECT_TRUE(p["latency_ms"]["mean"].is_null());
    EXPECT_TRUE(p["latency_ms"]["p99"].is_null());
    EXPECT_DOUBLE_EQ(p["drops"].get<double>(), 0.0);
}

TEST(Comparison, SweepRowsCarryTheirValues) {
    const json doc = sim::io::make_sweep(
        "net", 4, {},
        {{json{{"links.0.loss", 0.0}}, four_reps()}, {json{{"links.0.loss", 0.1}}, four_reps()}});
    ASSERT_EQ(doc["rows"].size(), 2u);
    EXPECT_EQ(doc["rows"][1]["set"]["links.0.loss"], 0.1);
    EXPECT_DOUBLE_EQ(doc["rows"][1]["latency_ms"]["mean"].get<double>(), 12.0);
    EXPECT_FALSE(doc.contains("policies"));
}

TEST(Comparison, ReplicationFromSummarySumsEveryDropCause) {
    const json summary = json::parse(R"({
        "events": 99,
        "messages": {"sent": 10, "delivered": 9},
        "latency_ms": {"count": 9, "mean": 3.5, "p50": 3.0, "p90": 5.0, "p99": 7.5, "max": 8},
        "packets": {"retransmissions": 4,
                    "dropped": {"loss": 1, "queue_full": 2, "link_down": 3, "no_route": 4}}})");
    const ReplicationResult r = sim::io::replication_from_summary(7, summary);
    EXPECT_EQ(r.seed, 7u);
    EXPECT_EQ(r.sent, 10u);
    EXPECT_EQ(r.delivered, 9u);
    EXPECT_EQ(r.latency_count, 9u);
    EXPECT_DOUBLE_EQ(r.latency_mean, 3.5);
    EXPECT_DOUBLE_EQ(r.latency_p99, 7.5);
    EXPECT_EQ(r.retransmissions, 4u);
    EXPECT_EQ(r.drops, 10u);
    EXPECT_EQ(r.events, 99u);
}

TEST(Comparison, TableIsAligned) {
    const json doc = sim::io::make_compare(
        "net", 4, {}, {{"shortest-path", four_reps()}, {"congestion-aware", four_reps()}});
    const std::string table = sim::io::format_table(doc);
    std::istringstream in(table);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].rfind("policy", 0), 0u);
    EXPECT_EQ(lines[1].rfind("shortest-path", 0), 0u);
    EXPECT_EQ(lines[2].rfind("congestion-aware", 0), 0u);
    // Right-aligned numbers: every line ends at the same column.
    EXPECT_EQ(lines[0].size(), lines[1].size());
    EXPECT_EQ(lines[1].size(), lines[2].size());
    EXPECT_NE(lines[1].find("55.00"), std::string::npos);  // delivered %
    EXPECT_NE(lines[1].find("12.00 ["), std::string::npos) << table;
    EXPECT_NE(lines[0].find("p99 ms [95% CI]"), std::string::npos);
}

TEST(Comparison, SplitValuesKeepsJsonValuesWhole) {
    using sim::io::split_values;
    EXPECT_EQ(split_values("0,0.01,0.1"), (std::vector<std::string>{"0", "0.01", "0.1"}));
    EXPECT_EQ(split_values("10ms"), (std::vector<std::string>{"10ms"}));
    EXPECT_EQ(split_values("[1,2],[3]"), (std::vector<std::string>{"[1,2]", "[3]"}));
    EXPECT_EQ(split_values(R"({"a":[1,2]},"x,y",[])"),
              (std::vector<std::string>{R"({"a":[1,2]})", R"("x,y")", "[]"}));
    EXPECT_EQ(split_values(R"("a\",b",c)"), (std::vector<std::string>{R"("a\",b")", "c"}));
    EXPECT_THROW(split_values("1,,2"), std::invalid_argument);
    EXPECT_THROW(split_values("1,"), std::invalid_argument);
    EXPECT_THROW(split_values(""), std::invalid_argument);
    EXPECT_THROW(split_values("[1,2"), std::invalid_argument);
    EXPECT_THROW(split_values("1],2"), std::invalid_argument);
    EXPECT_THROW(split_values("\"open"), std::invalid_argument);
}

TEST(Comparison, OverrideValueReadsJsonOrString) {
    EXPECT_EQ(sim::io::override_value("0.02"), json(0.02));
    EXPECT_EQ(sim::io::override_value("true"), json(true));
    EXPECT_EQ(sim::io::override_value("10ms"), json("10ms"));
    EXPECT_EQ(sim::io::override_value("[]"), json::array());
}

}  // namespace
