// ScenarioError: the one exception for bad scenario input. Its message names the file, the
// JSON path (a JSON Pointer such as /links/3/latency) and what is wrong, as SPEC.md requires.
#pragma once

#include <stdexcept>
#include <string>

namespace sim::scenario {

/// Bad input. what() is "FILE: JSON_PATH: REASON", or "FILE: REASON" when the problem
/// concerns the whole file (unreadable, JSON syntax) and the path is empty.
class ScenarioError : public std::runtime_error {
public:
    ScenarioError(std::string file, std::string json_path, std::string reason);

    const std::string& file() const { return file_; }
    const std::string& json_path() const { return json_path_; }
    const std::string& reason() const { return reason_; }

private:
    std::string file_;
    std::string json_path_;
    std::string reason_;
};

}  // namespace sim::scenario
