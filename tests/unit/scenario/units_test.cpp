// Units of the scenario format: exact values for every accepted form, rejection of the rest.
#include "sim/scenario/units.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sim::scenario {
namespace {

using nlohmann::json;

std::int64_t ns(const json& v) {
    return parse_duration(v).count();
}

/// The reason of the UnitError `f` throws, or "" if it does not throw.
template <class F>
std::string reason_of(F&& f) {
    try {
        f();
    } catch (const UnitError& e) {
        return e.what();
    }
    return "";
}

/// where() of the UnitError `f` throws.
template <class F>
std::string where_of(F&& f) {
    try {
        f();
    } catch (const UnitError& e) {
        return e.where();
    }
    return "(no error)";
}

TEST(ParseDuration, ReadsEveryUnitExactly) {
    EXPECT_EQ(ns("10ns"), 10);
    EXPECT_EQ(ns("250us"), 250'000);
    EXPECT_EQ(ns("250\u00b5s"), 250'000);
    EXPECT_EQ(ns("5ms"), 5'000'000);
    EXPECT_EQ(ns("1.5s"), 1'500'000'000);
    EXPECT_EQ(ns("2min"), 120'000'000'000);
    EXPECT_EQ(ns("1h"), 3'600'000'000'000);
    EXPECT_EQ(ns("30d"), 2'592'000'000'000'000);
    EXPECT_EQ(ns("0s"), 0);
    EXPECT_EQ(ns("0.000000001s"), 1);
    EXPECT_EQ(ns("1e3ms"), 1'000'000'000);
    EXPECT_EQ(ns("2.5E-3s"), 2'500'000);
    EXPECT_EQ(ns(" 5 ms "), 5'000'000);
}

TEST(ParseDuration, DecimalsAreNotRoundedThroughBinaryDoubles) {
    // 0.1 and 0.3 have no exact double; the decimal text is scaled in integers.
    EXPECT_EQ(ns("0.1s"), 100'000'000);
    EXPECT_EQ(ns("0.3s"), 300'000'000);
    EXPECT_EQ(ns("123456.789123456s"), 123'456'789'123'456);
    EXPECT_EQ(ns(json(0.1)), 100'000'000);
    EXPECT_EQ(ns(json(0.3)), 300'000'000);
}

TEST(ParseDuration, RoundsHalfUpToTheNanosecond) {
    EXPECT_EQ(ns("0.5ns"), 1);
    EXPECT_EQ(ns("0.49ns"), 0);
    EXPECT_EQ(ns("1.0000000005s"), 1'000'000'001);
}

TEST(ParseDuration, BareNumberIsSeconds) {
    EXPECT_EQ(ns(json(2)), 2'000'000'000);
    EXPECT_EQ(ns(json(1.5)), 1'500'000'000);
    EXPECT_EQ(ns(json(0)), 0);
}

TEST(ParseDuration, RejectsBadForms) {
    EXPECT_EQ(reason_of([] { parse_duration("5 parsecs"); }),
              "expected a duration like \"5ms\", got \"5 parsecs\": unknown unit \"parsecs\" "
              "(units: ns, us, ms, s, min, h, d)");
    EXPECT_NE(reason_of([] { parse_duration("5"); }).find("a string needs a unit"),
              std::string::npos);
    EXPECT_NE(reason_of([] { parse_duration("-5ms"); }).find("must not be negative"),
              std::string::npos);
    EXPECT_NE(reason_of([] { parse_duration(json(-1)); }).find("must not be negative"),
              std::string::npos);
    EXPECT_NE(reason_of([] { parse_duration("1000000d"); }).find("too large"), std::string::npos);
    EXPECT_NE(reason_of([] { parse_duration("5mins"); }).find("did you mean \"min\"?"),
              std::string::npos);
    for (const json& bad :
         {json("nan"), json("NaN"), json("inf"), json(""), json("ms"), json(true), json(nullptr),
          json::array(), json::object(), json("5ms5"), json("1e400s"), json(std::nan(""))}) {
        EXPECT_THROW(parse_duration(bad), UnitError) << bad.dump();
    }
}

TEST(ParseBandwidth, ReadsSiPrefixesInBitsPerSecond) {
    EXPECT_EQ(parse_bandwidth("9600bps"), 9'600u);
    EXPECT_EQ(parse_bandwidth("64kbps"), 64'000u);
    EXPECT_EQ(parse_bandwidth("64Kbps"), 64'000u);
    EXPECT_EQ(parse_bandwidth("10Mbps"), 10'000'000u);
    EXPECT_EQ(parse_bandwidth("1Gbps"), 1'000'000'000u);
    EXPECT_EQ(parse_bandwidth("1.5Gbps"), 1'500'000'000u);
    EXPECT_EQ(parse_bandwidth("2Tbps"), 2'000'000'000'000u);
    EXPECT_EQ(parse_bandwidth(json(1000)), 1'000u);
}

TEST(ParseBandwidth, RejectsBadForms) {
    EXPECT_NE(reason_of([] { parse_bandwidth("10mbps"); }).find("did you mean \"Mbps\"?"),
              std::string::npos);
    EXPECT_NE(reason_of([] { parse_bandwidth("0Mbps"); }).find("must be positive"),
              std::string::npos);
    EXPECT_NE(reason_of([] { parse_bandwidth("2Pbps"); }).find("unknown unit"), std::string::npos);
    EXPECT_NE(reason_of([] { parse_bandwidth("5000Tbps"); }).find("too large"), std::string::npos);
    for (const json& bad : {json("-1Mbps"), json("10"), json("fast"), json(false), json(0)}) {
        EXPECT_THROW(parse_bandwidth(bad), UnitError) << bad.dump();
    }
}

TEST(ParseSize, ReadsDecimalAndBinaryPrefixes) {
    EXPECT_EQ(parse_size("40B"), 40u);
    EXPECT_EQ(parse_size("1500B"), 1'500u);
    EXPECT_EQ(parse_size("1kB"), 1'000u);
    EXPECT_EQ(parse_size("1KB"), 1'000u);
    EXPECT_EQ(parse_size("2MB"), 2'000'000u);
    EXPECT_EQ(parse_size("3GB"), 3'000'000'000u);
    EXPECT_EQ(parse_size("64KiB"), 65'536u);
    EXPECT_EQ(parse_size("1.5KiB"), 1'536u);
    EXPECT_EQ(parse_size("2MiB"), 2'097'152u);
    EXPECT_EQ(parse_size("1GiB"), 1'073'741'824u);
    EXPECT_EQ(parse_size("1TiB"), 1'099'511'627'776u);
    EXPECT_EQ(parse_size(json(1500)), 1'500u);
    EXPECT_EQ(parse_size("0B"), 0u);
}

TEST(ParseSize, RejectsBadForms) {
    EXPECT_NE(reason_of([] { parse_size(json(1.5)); }).find("whole number of bytes"),
              std::string::npos);
    EXPECT_NE(reason_of([] { parse_size("2PiB"); }).find("unknown unit"), std::string::npos);
    for (const json& bad :
         {json("-1B"), json("5"), json("2 parsecs"), json(-3), json("KiB"), json::array()}) {
        EXPECT_THROW(parse_size(bad), UnitError) << bad.dump();
    }
}

TEST(ParseRate, ConvertsToPerSecond) {
    EXPECT_DOUBLE_EQ(parse_rate("10/s"), 10.0);
    EXPECT_DOUBLE_EQ(parse_rate("3/min"), 0.05);
    EXPECT_DOUBLE_EQ(parse_rate("0.5/h"), 0.5 / 3600);
    EXPECT_DOUBLE_EQ(parse_rate("2/d"), 2.0 / 86400);
    EXPECT_DOUBLE_EQ(parse_rate("1/ms"), 1000.0);
    EXPECT_DOUBLE_EQ(parse_rate(json(2)), 2.0);
    EXPECT_DOUBLE_EQ(parse_rate("0/s"), 0.0);
}

TEST(ParseRate, RejectsBadForms) {
    EXPECT_NE(reason_of([] { parse_rate("2/fortnight"); }).find("unknown unit \"fortnight\""),
              std::string::npos);
    for (const json& bad : {json("10"), json("-1/s"), json("abc"), json("/s"), json(-1),
                            json("2e10/s"), json::object()}) {
        EXPECT_THROW(parse_rate(bad), UnitError) << bad.dump();
    }
}

TEST(ParseProbability, AcceptsNumbersInTheUnitInterval) {
    EXPECT_EQ(parse_probability(json(0)), 0.0);
    EXPECT_EQ(parse_probability(json(1)), 1.0);
    EXPECT_EQ(parse_probability(json(0.25)), 0.25);
    for (const json& bad :
         {json(1.5), json(-0.1), json("0.5"), json("NaN"), json(std::nan("")), json(nullptr)}) {
        EXPECT_THROW(parse_probability(bad), UnitError) << bad.dump();
    }
}

TEST(ParseQueue, ReadsBytesOrPackets) {
    net::QueueSpec q = parse_queue("100pkt");
    EXPECT_EQ(q.unit, net::QueueSpec::Unit::Packets);
    EXPECT_EQ(q.capacity, 100u);
    q = parse_queue("256KiB");
    EXPECT_EQ(q.unit, net::QueueSpec::Unit::Bytes);
    EXPECT_EQ(q.capacity, 262'144u);
    EXPECT_EQ(parse_queue(json(1000)).capacity, 1'000u);
    for (const json& bad : {json("2.5pkt"), json("-1pkt"), json("pkt"), json("100 packets")}) {
        EXPECT_THROW(parse_queue(bad), UnitError) << bad.dump();
    }
}

TEST(ParseRandomDuration, PlainValueIsAConstant) {
    const Distribution d = parse_random_duration("5ms");
    EXPECT_EQ(d.kind(), Distribution::Kind::Constant);
    EXPECT_EQ(d.param_a(), 5e6);
}

TEST(ParseRandomDuration, ReadsEveryDistributionInNanoseconds) {
    Distribution d = parse_random_duration(json{{"dist", "exponential"}, {"mean", "200us"}});
    EXPECT_EQ(d.kind(), Distribution::Kind::Exponential);
    EXPECT_EQ(d.param_a(), 200'000);
    d = parse_random_duration(json{{"dist", "uniform"}, {"min", "1ms"}, {"max", "3ms"}});
    EXPECT_EQ(d.kind(), Distribution::Kind::Uniform);
    EXPECT_EQ(d.param_a(), 1e6);
    EXPECT_EQ(d.param_b(), 3e6);
    d = parse_random_duration(json{{"dist", "normal"}, {"mean", "10ms"}, {"stddev", "2ms"}});
    EXPECT_EQ(d.kind(), Distribution::Kind::Normal);
    EXPECT_EQ(d.param_a(), 1e7);
    EXPECT_EQ(d.param_b(), 2e6);
    d = parse_random_duration(json{{"dist", "lognormal"}, {"median", "20s"}, {"sigma", 1.5}});
    EXPECT_EQ(d.kind(), Distribution::Kind::Lognormal);
    EXPECT_EQ(d.param_a(), 2e10);
    EXPECT_EQ(d.param_b(), 1.5);
    d = parse_random_duration(json{{"dist", "pareto"}, {"scale", "1ms"}, {"shape", 2.5}});
    EXPECT_EQ(d.kind(), Distribution::Kind::Pareto);
    EXPECT_EQ(d.param_a(), 1e6);
    EXPECT_EQ(d.param_b(), 2.5);
}

TEST(ParseRandomSize, ReadsDistributionsInBytes) {
    const Distribution d =
        parse_random_size(json{{"dist", "lognormal"}, {"median", "120B"}, {"sigma", 1.0}});
    EXPECT_EQ(d.kind(), Distribution::Kind::Lognormal);
    EXPECT_EQ(d.param_a(), 120);
    EXPECT_EQ(parse_random_size("2KiB").param_a(), 2048);
}

TEST(ParseRandomDuration, PointsAtTheFaultyField) {
    EXPECT_EQ(where_of([] {
                  parse_random_duration(json{{"dist", "exponental"}, {"mean", 1}});
              }),
              "/dist");
    EXPECT_NE(reason_of([] {
                  parse_random_duration(json{{"dist", "exponental"}, {"mean", 1}});
              }).find("did you mean \"exponential\"?"),
              std::string::npos);
    EXPECT_EQ(where_of([] {
                  parse_random_duration(json{{"dist", "exponential"}, {"mena", 1}});
              }),
              "/mena");
    EXPECT_EQ(where_of([] {
                  parse_random_duration(json{{"dist", "exponential"}, {"mean", "5 parsecs"}});
              }),
              "/mean");
    EXPECT_EQ(where_of([] {
                  parse_random_duration(json{{"dist", "uniform"}, {"min", "5ms"}, {"max", "1ms"}});
              }),
              "/max");
    EXPECT_EQ(where_of([] {
                  parse_random_duration(json{{"dist", "pareto"}, {"scale", "1ms"}, {"shape", 0}});
              }),
              "/shape");
    EXPECT_EQ(
        where_of([] {
            parse_random_duration(json{{"dist", "lognormal"}, {"median", "1ms"}, {"sigma", -1}});
        }),
        "/sigma");
    EXPECT_EQ(where_of([] { parse_random_duration(json{{"dist", "exponential"}}); }), "");
    EXPECT_EQ(where_of([] { parse_random_duration(json{{"mean", "1ms"}}); }), "");
    EXPECT_EQ(where_of([] { parse_random_duration(json::array()); }), "");
}

// A zero-capacity link queue is accepted, in either unit and as a bare number: it is a
// bufferless link (the packet being transmitted is not in the queue; one that arrives while
// the transmitter is busy is dropped), the M/M/1/1 loss system.
TEST(ParseQueue, ZeroCapacityMeansNoWaitingRoomInEitherUnit) {
    net::QueueSpec q = parse_queue("0pkt");
    EXPECT_EQ(q.unit, net::QueueSpec::Unit::Packets);
    EXPECT_EQ(q.capacity, 0u);
    q = parse_queue("0B");
    EXPECT_EQ(q.unit, net::QueueSpec::Unit::Bytes);
    EXPECT_EQ(q.capacity, 0u);
    EXPECT_EQ(parse_queue("0KiB").capacity, 0u);
    EXPECT_EQ(parse_queue(json(0)).capacity, 0u);
    EXPECT_THROW(parse_queue("-0.5pkt"), UnitError);
}

}  // namespace
}  // namespace sim::scenario
