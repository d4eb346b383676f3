// A population of a million users builds and starts within the memory the loader assumes
// when it refuses populations too large for the machine. Labelled "validation": it takes a
// minute and over a gigabyte, and means nothing under AddressSanitizer.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "run_support.hpp"

using namespace msgsim_test;
using nlohmann::json;

namespace {

/// Peak resident memory (bytes) of `msgsim ARGS`, from the kernel's accounting of the child.
long peak_rss_of(const std::string& args, const std::filesystem::path& work) {
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string out = (work / "out.txt").string();
        std::freopen(out.c_str(), "w", stdout);
        std::freopen((work / "err.txt").c_str(), "w", stderr);
        execl("/bin/sh", "sh", "-c", (std::string("exec '") + MSGSIM_BINARY + "' " + args).c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_text(work / "err.txt");
    return usage.ru_maxrss * 1024L;
}

// The loader refuses populations by an estimate of 160 bytes per user and 1,400 per device
// (sim/scenario/population.hpp). A million users (1.3 million devices) must build and start
// within that, plus 300 MB for the rest of the process.
TEST(PopulationScale, MillionUsersBuildWithinTheStatedMemory) {
    const auto dir = fresh_dir("pop-million");
    json doc = read_json(scenario_path("tests/integration/scenarios/population.json"));
    doc["name"] = "million";
    doc["population"]["users"] = 1000000;
    doc["population"]["devices"] = {{"1", 0.7}, {"2", 0.3}};
    doc["output"]["trace"] = "none";
    std::ofstream(dir / "million.json") << doc.dump();
    const long rss = peak_rss_of("run '" + (dir / "million.json").string() +
                                     "' --until 1ms --quiet -o '" + (dir / "out").string() + "'",
                                 dir);
    const json summary = read_json(dir / "out" / "summary.json");
    const double devices = summary["populations"][0]["devices"].get<double>();
    EXPECT_NEAR(devices, 1.3e6, 5000);
    const double stated = 1e6 * 160 + devices * 1400 + 300e6;
    std::printf("peak RSS %.0f MB for 10^6 users and %.0f devices (stated bound %.0f MB)\n",
                rss / 1e6, devices, stated / 1e6);
    EXPECT_LE(static_cast<double>(rss), stated);
}

}  // namespace
