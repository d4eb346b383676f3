// Writing output files so that a failed or interrupted run never leaves a file that looks
// complete: write to a temporary file beside the target, then rename over it.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace sim::io {

/// Thrown when an output file cannot be written (exit code 1).
class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Writes `body` to `path` atomically (temp file + rename).
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& body);
/// Writes a JSON document atomically, indented by 2, with a final newline.
void write_json_atomic(const std::filesystem::path& path, const nlohmann::ordered_json& doc);

}  // namespace sim::io
