// Tests of invariant checks (sim/core/check): MSGSIM_CHECK throws InvariantError with a
// message naming what broke and where, and evaluates nothing extra when it holds.
#include "sim/core/check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sim {
namespace {

TEST(Check, PassesSilentlyWhenTheConditionHolds) {
    int evaluations = 0;
    EXPECT_NO_THROW(MSGSIM_CHECK(++evaluations == 1, "never shown"));
    EXPECT_EQ(evaluations, 1);
}

TEST(Check, ThrowsInvariantErrorNamingTheMessageExpressionAndFile) {
    try {
        MSGSIM_CHECK(1 + 1 == 3, "arithmetic is broken");
        FAIL() << "MSGSIM_CHECK did not throw";
    } catch (const InvariantError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("arithmetic is broken"), std::string::npos) << what;
        EXPECT_NE(what.find("1 + 1 == 3"), std::string::npos) << what;
        EXPECT_NE(what.find("check_test.cpp"), std::string::npos) << what;
    }
}

TEST(Check, InvariantErrorIsALogicError) {
    EXPECT_THROW(MSGSIM_CHECK(false, "x"), std::logic_error);
}

}  // namespace
}  // namespace sim
