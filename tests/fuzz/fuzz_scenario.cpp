// libFuzzer target for the scenario loader. The contract (SPEC.md): bad input of any kind is
// a ScenarioError naming the file, the JSON path and the reason. Anything else (another
// exception, a crash, a leak, undefined behaviour, a hang) is a bug.
//
// Each input goes two ways:
// 1. as a whole scenario file, through load_scenario_file (read, parse with the duplicate-
//    key check, validate) and check_supported: exactly what `msgsim validate` does;
// 2. split at NUL bytes into a document and `--set` overrides, the document parsed with
//    plain nlohmann::json and handed to load_scenario, so the fuzzer can reach validation
//    through the override path too (a corpus file from scenarios/ has no NUL: no overrides).
//
// Population blocks are capped at kMaxFuzzUsers users (and overrides that touch a population
// are dropped): expanding world.json's million users takes seconds under the sanitizers, a
// libFuzzer timeout that says nothing about robustness. Expansion itself is fuzzed at the cap.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"

namespace {

constexpr std::uint64_t kMaxFuzzUsers = 2000;

/// Caps every population block's "users"; true if one was above the cap.
bool cap_population(nlohmann::json& doc) {
    if (!doc.is_object() || !doc.contains("population")) return false;
    bool capped = false;
    auto cap = [&](nlohmann::json& block) {
        if (block.is_object() && block.contains("users") && block["users"].is_number() &&
            !(block["users"].get<double>() <= static_cast<double>(kMaxFuzzUsers))) {
            block["users"] = kMaxFuzzUsers;
            capped = true;
        }
    };
    nlohmann::json& p = doc["population"];
    if (p.is_array()) {
        for (auto& block : p)
            cap(block);
    } else {
        cap(p);
    }
    return capped;
}

void check(const sim::model::ModelSpec& spec) {
    try {
        sim::model::check_supported(spec);
    } catch (const sim::model::UnsupportedError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    if (text.find('\0') == std::string::npos) {
        nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (!doc.is_discarded() && cap_population(doc)) text = doc.dump();
    }

    // One file per process, rewritten for every input (libFuzzer's -jobs use processes).
    static const std::string path =
        "/tmp/msgsim-fuzz-scenario-" + std::to_string(::getpid()) + ".json";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    try {
        check(sim::scenario::load_scenario_file(path));
    } catch (const sim::scenario::ScenarioError&) {
    }

    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const std::size_t nul = text.find('\0', start);
        parts.push_back(text.substr(start, nul - start));
        if (nul == std::string::npos) break;
        start = nul + 1;
    }
    nlohmann::json doc = nlohmann::json::parse(parts.front(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return 0;
    cap_population(doc);
    std::vector<std::string> overrides;
    for (auto it = parts.begin() + 1; it != parts.end(); ++it)
        if (it->find("population") == std::string::npos) overrides.push_back(*it);
    try {
        check(sim::scenario::load_scenario(std::move(doc), "fuzz.json", overrides));
    } catch (const sim::scenario::ScenarioError&) {
    }
    return 0;
}
