// PHOLD on ns-3's bare kernel: Simulator::Schedule of a free function per event, the LP
// index as its argument, no Node or Packet. The workload (parameters, per-LP streams) is
// msgsim's own tests/bench/phold.hpp, so both kernels run the same model.
//   usage: phold_ns3 A|B|C [default|heap|map|list|calendar] [EVENTS]
// Prints one JSON line: events, CPU and wall seconds, events/s, sim_ns_per_event.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "ns3/core-module.h"
#include "tests/bench/phold.hpp"

namespace {

const phold::Config* g_config = nullptr;
std::vector<phold::Stream> g_streams;  // one per LP
std::uint64_t g_executed = 0;
std::uint64_t g_warmup = 0;  // events before the timed part
std::uint64_t g_total = 0;   // warm-up + timed events

struct Clock {
    double cpu;
    std::chrono::steady_clock::time_point wall;
    std::int64_t sim_ns;
};
Clock g_start{};

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Clock now() {
    return Clock{cpu_seconds(), std::chrono::steady_clock::now(),
                 ns3::Simulator::Now().GetNanoSeconds()};
}

void on_event(std::uint32_t lp) {
    if (g_executed == g_warmup) g_start = now();
    if (++g_executed == g_total) {
        ns3::Simulator::Stop();
        return;
    }
    const phold::Hop hop = g_streams[lp].next(*g_config, lp);
    ns3::Simulator::Schedule(ns3::NanoSeconds(hop.delay_ns), &on_event, hop.dst);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: phold_ns3 A|B|C [default|heap|map|list|calendar] [EVENTS]\n");
        return 2;
    }
    const std::string name = argv[1];
    g_config = name == "A"   ? &phold::kConfigA
               : name == "B" ? &phold::kConfigB
               : name == "C" ? &phold::kConfigC
                             : nullptr;
    if (g_config == nullptr) {
        std::fprintf(stderr, "phold_ns3: unknown configuration '%s'\n", argv[1]);
        return 2;
    }
    const std::string scheduler = argc > 2 ? argv[2] : "default";
    const std::uint64_t events = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 10'000'000;
    if (scheduler != "default") {
        // ns-3.37's default is MapScheduler (std::map); HeapScheduler is a binary heap.
        const std::string type = scheduler == "heap"       ? "ns3::HeapScheduler"
                                 : scheduler == "map"      ? "ns3::MapScheduler"
                                 : scheduler == "list"     ? "ns3::ListScheduler"
                                 : scheduler == "calendar" ? "ns3::CalendarScheduler"
                                                           : "";
        if (type.empty()) {
            std::fprintf(stderr, "phold_ns3: unknown scheduler '%s'\n", scheduler.c_str());
            return 2;
        }
        ns3::ObjectFactory factory;
        factory.SetTypeId(type);
        ns3::Simulator::SetScheduler(factory);
    }

    const phold::Config& c = *g_config;
    g_streams.reserve(c.lps);
    for (std::uint32_t lp = 0; lp < c.lps; ++lp)
        g_streams.emplace_back(c, lp);
    // Same initial events and warm-up as tests/bench/phold_bench.cpp.
    for (std::uint32_t lp = 0; lp < c.lps; ++lp) {
        for (std::uint32_t i = 0; i < c.per_lp; ++i)
            ns3::Simulator::Schedule(ns3::NanoSeconds(g_streams[lp].delay_ns(c)), &on_event, lp);
    }
    g_warmup = std::max<std::uint64_t>(1'000'000, 2 * c.pending());
    g_total = g_warmup + events;
    ns3::Simulator::Run();
    const Clock end = now();
    ns3::Simulator::Destroy();

    const double cpu = end.cpu - g_start.cpu;
    const double wall = std::chrono::duration<double>(end.wall - g_start.wall).count();
    const auto timed = static_cast<double>(g_executed - g_warmup);
    std::printf(
        "{\"kernel\": \"ns-3 %s\", \"config\": \"%s\", \"events\": %.0f, \"cpu_s\": %.3f, "
        "\"wall_s\": %.3f, \"events_per_cpu_s\": %.0f, \"events_per_wall_s\": %.0f, "
        "\"sim_ns_per_event\": %.4f, \"expected_sim_ns_per_event\": %.4f}\n",
        scheduler.c_str(), c.name, timed, cpu, wall, timed / cpu, timed / wall,
        static_cast<double>(end.sim_ns - g_start.sim_ns) / timed, phold::expected_ns_per_event(c));
    return 0;
}
