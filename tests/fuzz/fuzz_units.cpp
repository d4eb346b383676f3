// libFuzzer target for the unit parsers of sim/scenario/units.hpp. The first byte picks the
// parser; the rest is the value, as a JSON string ("5ms") and, when it parses, as any JSON
// value (numbers, distribution objects). A parser may only throw UnitError, and what it
// returns must honour its documented range; a violation aborts, which libFuzzer reports.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/scenario/units.hpp"

namespace {

using nlohmann::json;
namespace sc = sim::scenario;

[[noreturn]] void violated(const char* what, const json& value) {
    std::fprintf(stderr, "fuzz_units: %s for input %s\n", what, value.dump().c_str());
    std::abort();
}

void require(bool ok, const char* what, const json& value) {
    if (!ok) violated(what, value);
}

/// A random quantity the model can draw from: parameters in the ranges Distribution
/// documents (a normal with a negative mean would make its rejection sampler spin), and
/// draws that are never negative or NaN (infinity is clamped by sample_duration).
void check_distribution(const sim::Distribution& d, const json& v) {
    using Kind = sim::Distribution::Kind;
    const double a = d.param_a(), b = d.param_b();
    require(!std::isnan(a) && !std::isnan(b) && a >= 0, "parameter NaN or negative", v);
    switch (d.kind()) {
        case Kind::Uniform:
            require(a <= b, "uniform with min > max", v);
            break;
        case Kind::Normal:
        case Kind::Lognormal:
            require(b >= 0 && std::isfinite(b), "negative or infinite spread", v);
            break;
        case Kind::Pareto:
            require(a > 0 && b > 0, "pareto scale or shape not positive", v);
            break;
        default:
            break;
    }
    require(!std::isnan(d.mean()) && d.mean() >= 0, "mean NaN or negative", v);
    sim::Rng rng(1);
    for (int i = 0; i < 4; ++i) {
        const double x = d.sample(rng);
        require(!std::isnan(x) && x >= 0, "a draw is NaN or negative", v);
    }
}

void parse_one(unsigned which, const json& v) {
    try {
        switch (which % 8) {
            case 0: {
                const sim::Duration d = sc::parse_duration(v);
                require(d.count() >= 0 && d <= sc::kMaxDuration, "duration out of range", v);
                break;
            }
            case 1: {
                const std::uint64_t bps = sc::parse_bandwidth(v);
                require(bps > 0 && bps <= sc::kMaxBandwidthBps, "bandwidth out of range", v);
                break;
            }
            case 2:
                require(sc::parse_size(v) <= sc::kMaxSizeBytes, "size out of range", v);
                break;
            case 3: {
                const double r = sc::parse_rate(v);
                require(std::isfinite(r) && r >= 0 && r <= sc::kMaxRatePerS, "rate out of range",
                        v);
                break;
            }
            case 4: {
                const double p = sc::parse_probability(v);
                require(p >= 0 && p <= 1, "probability out of [0, 1]", v);
                break;
            }
            case 5: {
                // 0 is valid either way: no waiting room, a packet is sent or dropped.
                const sim::net::QueueSpec q = sc::parse_queue(v);
                require(q.unit == sim::net::QueueSpec::Unit::Packets
                            ? q.capacity <= sc::kMaxQueuePackets
                            : q.capacity <= sc::kMaxSizeBytes,
                        "queue capacity out of range", v);
                break;
            }
            case 6:
                check_distribution(sc::parse_random_duration(v), v);
                break;
            case 7:
                check_distribution(sc::parse_random_size(v), v);
                break;
        }
    } catch (const sc::UnitError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned which = data[0];
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    // As a string value, as the scenario file would hold "5ms". A std::string may hold any
    // bytes; the parsers must cope with invalid UTF-8 too (the loader rejects it earlier,
    // but --set values are taken as they come).
    parse_one(which, json(text));
    const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) parse_one(which, parsed);
    return 0;
}
