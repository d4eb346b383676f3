// The malformed scenarios of tests/bad-input/cases, with the JSON path and the part of the
// reason each must be rejected with (listed in cases.json).
#pragma once

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace sim::testing {

struct BadInputCase {
    std::string file;    ///< name inside tests/bad-input/cases
    std::string path;    ///< expected ScenarioError::json_path()
    std::string reason;  ///< a substring of the expected reason
};

inline std::string bad_input_dir() {
    return MSGSIM_SOURCE_DIR "/tests/bad-input";
}

/// The cases of cases.json; empty if it cannot be read (a test then fails on that).
inline std::vector<BadInputCase> load_bad_input_cases() {
    std::ifstream in(bad_input_dir() + "/cases.json");
    const nlohmann::json list = nlohmann::json::parse(in, nullptr, false);
    std::vector<BadInputCase> cases;
    if (!list.is_array()) return cases;
    for (const nlohmann::json& c : list) {
        cases.push_back({c.at("file").get<std::string>(), c.at("path").get<std::string>(),
                         c.at("reason").get<std::string>()});
    }
    return cases;
}

/// How GoogleTest prints a case (instead of its bytes).
inline void PrintTo(const BadInputCase& c, std::ostream* os) {
    *os << c.file;
}

/// A GoogleTest parameter name from a case's file name ("phone-two-links.json" ->
/// "phone_two_links").
inline std::string case_name(const BadInputCase& c) {
    std::string name = c.file.substr(0, c.file.rfind('.'));
    for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    }
    return name;
}

}  // namespace sim::testing
