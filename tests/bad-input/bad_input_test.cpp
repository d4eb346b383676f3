// Every malformed scenario in cases/ is rejected by the loader with a ScenarioError that
// names the file, the expected JSON path and the expected reason.
#include <gtest/gtest.h>

#include "sim/scenario/loader.hpp"
#include "tests/bad-input/cases.hpp"

namespace sim::testing {
namespace {

class BadInput : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(BadInput, IsRejectedWithPathAndReason) {
    const BadInputCase& c = GetParam();
    const std::string file = bad_input_dir() + "/cases/" + c.file;
    try {
        scenario::load_scenario_file(file);
        FAIL() << c.file << " was accepted";
    } catch (const scenario::ScenarioError& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.json_path(), c.path) << what;
        EXPECT_NE(what.find(file), std::string::npos) << what;
        EXPECT_NE(what.find(c.path), std::string::npos) << what;
        EXPECT_NE(e.reason().find(c.reason), std::string::npos)
            << what << "\n  expected reason containing: " << c.reason;
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(load_bad_input_cases()),
                         [](const auto& info) { return case_name(info.param); });

TEST(BadInputCases, AreListedAndCoverEnoughDefects) {
    EXPECT_GE(load_bad_input_cases().size(), 30u);
}

// Each case is the base scenario with one defect, so the base itself must be valid.
TEST(BadInputCases, BaseScenarioIsValid) {
    EXPECT_NO_THROW(scenario::load_scenario_file(bad_input_dir() + "/base.json"));
}

}  // namespace
}  // namespace sim::testing
