// Validation against theory: runs a scenario of tests/validation/scenarios through the real
// binary, and turns replications into an estimate with a standard error, so every tolerance
// is derived from the data instead of guessed.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../integration/run_support.hpp"

namespace msgsim_validation {

using nlohmann::json;

/// Output of one run: summary.json, trace.json when the run wrote one (else null), and the
/// output directory, for other files (events.jsonl); the directory goes with the object.
struct RunOutput {
    json summary;
    json trace;
    std::filesystem::path dir;

    RunOutput() = default;
    RunOutput(const RunOutput&) = delete;
    RunOutput& operator=(const RunOutput&) = delete;
    RunOutput(RunOutput&& o) noexcept
        : summary(std::move(o.summary)), trace(std::move(o.trace)), dir(std::exchange(o.dir, {})) {}
    ~RunOutput() {
        std::error_code ec;
        if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
};

/// Runs tests/validation/scenarios/`file` with `args` (--seed, --set, ...) and reads its
/// outputs (trace.json only when `read_trace`: it can be large). A failed run fails the test
/// and returns nulls.
inline RunOutput run_validation_scenario(const std::string& file, const std::string& args,
                                         bool read_trace = true) {
    using namespace msgsim_test;
    RunOutput out;
    out.dir = fresh_dir("validation-" + file);
    const auto scenario = scenario_path("tests/validation/scenarios/" + file);
    const auto r = run_msgsim(
        "run '" + scenario.string() + "' --quiet -o '" + out.dir.string() + "' " + args, out.dir);
    EXPECT_EQ(r.exit_code, 0) << "msgsim run " << file << " " << args << "\n" << r.err;
    if (r.exit_code != 0) return out;
    out.summary = read_json(out.dir / "summary.json");
    if (read_trace && std::filesystem::exists(out.dir / "trace.json")) {
        out.trace = read_json(out.dir / "trace.json");
    }
    return out;
}

/// A sample mean with its standard error and the degrees of freedom of that error.
struct Estimate {
    double mean = 0;
    double se = 0;
    std::size_t df = 0;
};

/// Mean and standard error s / sqrt(n) of independent, identically distributed values
/// (replications with different seeds, or per-message counts that are independent).
inline Estimate estimate_of(const std::vector<double>& xs) {
    Estimate e;
    const auto n = static_cast<double>(xs.size());
    if (xs.size() < 2) return e;
    for (double x : xs)
        e.mean += x;
    e.mean /= n;
    double ss = 0;
    for (double x : xs)
        ss += (x - e.mean) * (x - e.mean);
    e.se = std::sqrt(ss / (n - 1) / n);
    e.df = xs.size() - 1;
    return e;
}

/// Student's t quantile t(0.9995, df): |mean - theory| / se exceeds it with probability
/// 0.001 when the theory is right and the replications are independent and close to normal
/// (means of long runs are, by the central limit theorem). Values from any t table (e.g.
/// NIST/SEMATECH e-Handbook, table 1.4.2.3); between tabulated df the next smaller df is
/// used, which is conservative.
inline double t_quantile_9995(std::size_t df) {
    static const std::vector<std::pair<std::size_t, double>> table{
        {4, 8.610},  {5, 6.869},  {6, 5.959},  {7, 5.408},  {8, 5.041},  {9, 4.781},
        {10, 4.587}, {11, 4.437}, {12, 4.318}, {15, 4.073}, {19, 3.883}, {20, 3.850},
        {30, 3.646}, {40, 3.551}, {60, 3.460}, {120, 3.373}};
    if (df < table.front().first) return 1e9;  // too few replications to say anything
    double t = 3.291;                          // the normal quantile, df -> infinity
    for (auto it = table.rbegin(); it != table.rend(); ++it) {
        if (df >= it->first) {
            t = df >= 1000 ? 3.291 : it->second;
            break;
        }
    }
    return t;
}

/// Prints "measured vs theory" and checks |measured - theory| <= t * se + bias, where `bias`
/// is the documented allowance for a known, small systematic error (start-up transient).
inline void expect_agrees_with_theory(const std::string& what, const Estimate& measured,
                                      double theory, double bias = 0.0) {
    const double t = t_quantile_9995(measured.df);
    const double tolerance = t * measured.se + bias;
    const double diff = measured.mean - theory;
    char line[512];
    std::snprintf(line, sizeof line,
                  "[validation] %-44s measured %.6g +- %.3g (se, df %zu)  theory %.6g  "
                  "diff %+.3g = %+.2f se  tolerance %.3g\n",
                  what.c_str(), measured.mean, measured.se, measured.df, theory, diff,
                  measured.se > 0 ? diff / measured.se : 0.0, tolerance);
    std::cout << line << std::flush;
    ::testing::Test::RecordProperty("measured", std::to_string(measured.mean));
    ::testing::Test::RecordProperty("standard_error", std::to_string(measured.se));
    ::testing::Test::RecordProperty("theory", std::to_string(theory));
    EXPECT_GT(measured.se, 0.0) << what << ": no spread, so no tolerance can be derived";
    EXPECT_LE(std::abs(diff), tolerance) << what;
}

/// Prints an exact comparison (deterministic scenarios).
inline void print_exact(const std::string& what, double measured, double theory) {
    char line[256];
    std::snprintf(line, sizeof line, "[validation] %-44s measured %.9f  theory %.9f\n",
                  what.c_str(), measured, theory);
    std::cout << line << std::flush;
}

/// One value per replication: `measure` of runs with seeds 1..R (summary.json only).
inline std::vector<double> replicate(const std::string& file, const std::string& args,
                                     int replications,
                                     const std::function<double(const RunOutput&)>& measure) {
    std::vector<double> values;
    for (int seed = 1; seed <= replications; ++seed) {
        const RunOutput out =
            run_validation_scenario(file, args + " --seed " + std::to_string(seed), false);
        if (out.summary.is_null()) return {};
        values.push_back(measure(out));
    }
    return values;
}

/// The summary.json entry of the link direction `from` -> `to`.
inline const json& link_direction(const json& summary, const std::string& from,
                                  const std::string& to) {
    for (const json& l : summary.at("links")) {
        if (l.at("from") == from && l.at("to") == to) return l;
    }
    ADD_FAILURE() << "no link " << from << " -> " << to << " in summary.json";
    static const json none = json::object();
    return none;
}

}  // namespace msgsim_validation
