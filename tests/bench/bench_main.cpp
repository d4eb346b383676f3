// main() of msgsim_bench_kernel: Google Benchmark's, plus one flag of ours.
//   --phold_events=N   events timed per PHOLD configuration after warm-up (default 10^7),
//                      unless --benchmark_min_time is given (e.g. 0.01 for a CI smoke run).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "tests/bench/phold_bench.hpp"

int main(int argc, char** argv) {
    std::uint64_t phold_events = 10'000'000;
    bool min_time_given = false;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        constexpr std::string_view kEvents = "--phold_events=";
        if (arg.starts_with(kEvents)) {
            try {
                phold_events = std::stoull(std::string(arg.substr(kEvents.size())));
            } catch (const std::exception&) {
                std::fprintf(stderr, "msgsim_bench_kernel: bad %s\n", argv[i]);
                return 2;
            }
            continue;
        }
        if (arg.starts_with("--benchmark_min_time")) min_time_given = true;
        args.push_back(argv[i]);
    }
    bench::register_phold(phold_events, !min_time_given);

    int count = static_cast<int>(args.size());
    args.push_back(nullptr);
    benchmark::Initialize(&count, args.data());
    if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
