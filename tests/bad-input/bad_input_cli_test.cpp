// `msgsim validate` on every malformed scenario in cases/: exit status 2 and a message on
// stderr naming the file and the JSON path (SPEC.md, exit codes).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/bad-input/cases.hpp"

namespace sim::testing {
namespace {

/// Single-quoted for /bin/sh.
std::string shell_quoted(const std::string& s) {
    std::string out = "'";
    for (const char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

class BadInputCli : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(BadInputCli, ValidateExitsWithTwoAndNamesThePath) {
    const BadInputCase& c = GetParam();
    const std::string file = bad_input_dir() + "/cases/" + c.file;
    const std::filesystem::path err =
        std::filesystem::temp_directory_path() / ("msgsim_bad_input_" + case_name(c) + ".err");
    const std::string command = shell_quoted(MSGSIM_BINARY) + " validate " + shell_quoted(file) +
                                " >/dev/null 2>" + shell_quoted(err.string());
    const int status = std::system(command.c_str());
    std::stringstream stderr_text;
    stderr_text << std::ifstream(err).rdbuf();
    std::filesystem::remove(err);
    const std::string text = stderr_text.str();

    ASSERT_TRUE(WIFEXITED(status)) << command;
    EXPECT_EQ(WEXITSTATUS(status), 2) << text;
    EXPECT_NE(text.find("msgsim: error: "), std::string::npos) << text;
    EXPECT_NE(text.find(file), std::string::npos) << text;
    if (!c.path.empty()) {
        EXPECT_NE(text.find(c.path + ": "), std::string::npos) << text;
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInputCli, ::testing::ValuesIn(load_bad_input_cases()),
                         [](const auto& info) { return case_name(info.param); });

}  // namespace
}  // namespace sim::testing
