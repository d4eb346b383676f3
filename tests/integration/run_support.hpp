// Runs the real msgsim binary on a scenario, as a user would, and reads its outputs.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace msgsim_test {

inline std::filesystem::path scenario_path(const std::string& name) {
    return std::filesystem::path(MSGSIM_SOURCE_DIR) / name;
}

/// A fresh, empty directory under the system temp dir.
inline std::filesystem::path fresh_dir(const std::string& tag) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("msgsim-test-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs `msgsim ARGS`, capturing stdout and stderr.
inline CommandResult run_msgsim(const std::string& args, const std::filesystem::path& work) {
    const auto out = work / "stdout.txt";
    const auto err = work / "stderr.txt";
    const std::string cmd = std::string("'") + MSGSIM_BINARY + "' " + args + " >'" + out.string() +
                            "' 2>'" + err.string() + "' </dev/null";
    const int status = std::system(cmd.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    auto slurp = [](const std::filesystem::path& p) {
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

inline nlohmann::json read_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
}

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace msgsim_test
