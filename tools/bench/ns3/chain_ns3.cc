// The "chain" workload on ns-3: 8 routers in a line (10 Mbps, 5 ms point-to-point links,
// drop-tail 100 packets per port), N phones on each end (100 Mbps, 1 ms access links);
// left phone i and right phone i send each other 200-byte UDP datagrams (UdpClient,
// constant bit rate, random phase) at 8,000 packets/s in total, 100,000 packets in all.
//   usage: chain_ns3 N [SEED] [SIM_SECONDS]
// Prints one JSON line: sent, delivered, mean one-way delay, set-up and run times.
// SIM_SECONDS stops the run early (the offered load is stationary from t = 0, so the rate
// of a truncated run is representative; sent and delivered then count what happened).
//
// Built as an ns-3 user who cares about speed would: InternetStack with static routing,
// aggregated (left phones in 11.0.0.0/8, right phones in 12.0.0.0/8, one route per
// direction on each router, a default route on each phone), UdpClient/UdpServer apps.
// Ipv4GlobalRoutingHelper is not used: it gives every node a route per phone subnet
// (4*10^8 entries for N = 10,000), and it does not advertise subnets whose far end is a
// host without global routing. The edge routers still hold one connected route per phone,
// and ns-3 scans routes linearly: that is where its per-packet cost grows with N. The
// traffic-control layer's default qdisc is removed so each port's only queue is its
// 100-packet DropTailQueue. On the wire a datagram is 200 B payload + 8 B UDP + 20 B IPv4
// + 2 B PPP = 230 B.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

using namespace ns3;

namespace {

constexpr std::uint32_t kRouters = 8;
constexpr std::uint64_t kTotalPackets = 100'000;
constexpr double kTotalRate = 8'000;  // packets/s, all senders together
constexpr std::uint32_t kPayload = 200;
constexpr std::uint16_t kPort = 9;

std::uint64_t g_delivered = 0;
std::int64_t g_delay_sum_ns = 0;

void on_rx(Ptr<const Packet> packet) {
    SeqTsHeader header;
    packet->PeekHeader(header);
    ++g_delivered;
    g_delay_sum_ns += (Simulator::Now() - header.GetTs()).GetNanoSeconds();
}

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long peak_rss_kib() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (f == nullptr) return -1;
    char line[256];
    long kib = -1;
    while (std::fgets(line, sizeof line, f) != nullptr) {
        if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
    }
    std::fclose(f);
    return kib;
}

/// Removes the default qdisc so the device's DropTailQueue is the port's only queue.
void use_device_queue_only(const NetDeviceContainer& devices) {
    TrafficControlHelper tch;
    tch.Uninstall(devices);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: chain_ns3 N [SEED] [SIM_SECONDS]\n");
        return 2;
    }
    const auto n = static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 10));
    const std::uint32_t seed = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1;
    const double limit_s = argc > 3 ? std::strtod(argv[3], nullptr) : 0.0;
    if (n == 0 || kTotalPackets % (2 * n) != 0) {
        std::fprintf(stderr, "chain_ns3: N must divide %llu / 2\n",
                     static_cast<unsigned long long>(kTotalPackets));
        return 2;
    }
    RngSeedManager::SetSeed(seed);
    const auto setup_start = std::chrono::steady_clock::now();

    NodeContainer routers;
    routers.Create(kRouters);
    NodeContainer left;
    left.Create(n);
    NodeContainer right;
    right.Create(n);

    InternetStackHelper stack;
    Ipv4StaticRoutingHelper static_routing;
    stack.SetRoutingHelper(static_routing);
    stack.Install(routers);
    stack.Install(left);
    stack.Install(right);
    auto routing_of = [&](Ptr<Node> node) {
        return static_routing.GetStaticRouting(node->GetObject<Ipv4>());
    };
    const Ipv4Address left_net("11.0.0.0");
    const Ipv4Address right_net("12.0.0.0");
    const Ipv4Mask net_mask("255.0.0.0");

    PointToPointHelper backbone;
    backbone.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    backbone.SetChannelAttribute("Delay", StringValue("5ms"));
    backbone.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("100p"));
    PointToPointHelper access;
    access.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    access.SetChannelAttribute("Delay", StringValue("1ms"));
    access.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("100p"));

    Ipv4AddressHelper backbone_addresses("10.0.0.0", "255.255.255.252");
    for (std::uint32_t r = 0; r + 1 < kRouters; ++r) {
        const NetDeviceContainer d = backbone.Install(routers.Get(r), routers.Get(r + 1));
        const Ipv4InterfaceContainer ifs = backbone_addresses.Assign(d);
        backbone_addresses.NewNetwork();
        use_device_queue_only(d);
        // Right phones are reached through r + 1, left phones through r.
        routing_of(routers.Get(r))
            ->AddNetworkRouteTo(right_net, net_mask, ifs.GetAddress(1), ifs.Get(0).second);
        routing_of(routers.Get(r + 1))
            ->AddNetworkRouteTo(left_net, net_mask, ifs.GetAddress(0), ifs.Get(1).second);
    }
    // Phone i's address, for the peer's UdpClient.
    std::vector<Ipv4Address> left_addr(n);
    std::vector<Ipv4Address> right_addr(n);
    Ipv4AddressHelper left_addresses(left_net, "255.255.255.252");
    Ipv4AddressHelper right_addresses(right_net, "255.255.255.252");
    auto attach = [&](Ptr<Node> phone, Ptr<Node> router, Ipv4AddressHelper& addresses,
                      Ipv4Address& phone_addr) {
        const NetDeviceContainer d = access.Install(phone, router);
        const Ipv4InterfaceContainer ifs = addresses.Assign(d);
        addresses.NewNetwork();
        use_device_queue_only(d);
        phone_addr = ifs.GetAddress(0);
        routing_of(phone)->SetDefaultRoute(ifs.GetAddress(1), ifs.Get(0).second);
    };
    for (std::uint32_t i = 0; i < n; ++i) {
        attach(left.Get(i), routers.Get(0), left_addresses, left_addr[i]);
        attach(right.Get(i), routers.Get(kRouters - 1), right_addresses, right_addr[i]);
    }

    // Each of the 2N senders: kTotalRate / 2N packets/s, kTotalPackets / 2N packets,
    // first packet at a uniformly random phase within one interval.
    const std::uint64_t per_sender = kTotalPackets / (2 * n);
    const double interval_s = 2.0 * n / kTotalRate;
    const double duration_s = static_cast<double>(per_sender) * interval_s;
    Ptr<UniformRandomVariable> phase = CreateObject<UniformRandomVariable>();
    phase->SetAttribute("Max", DoubleValue(interval_s));
    std::vector<double> starts;  // of each sender, to count what it sent before the stop
    auto add_flow = [&](Ptr<Node> from, Ptr<Node> to, Ipv4Address to_addr) {
        UdpServerHelper server(kPort);
        ApplicationContainer s = server.Install(to);
        s.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&on_rx));
        UdpClientHelper client(to_addr, kPort);
        client.SetAttribute("MaxPackets", UintegerValue(per_sender));
        client.SetAttribute("Interval", TimeValue(Seconds(interval_s)));
        client.SetAttribute("PacketSize", UintegerValue(kPayload));
        ApplicationContainer c = client.Install(from);
        const double start_s = phase->GetValue();
        c.Start(Seconds(start_s));
        starts.push_back(start_s);
    };
    for (std::uint32_t i = 0; i < n; ++i) {
        add_flow(left.Get(i), right.Get(i), right_addr[i]);
        add_flow(right.Get(i), left.Get(i), left_addr[i]);
    }
    // The last packet needs < 1 s to arrive.
    const double stop_s = limit_s > 0 ? limit_s : duration_s + 1.0;
    Simulator::Stop(Seconds(stop_s));

    const auto run_start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    Simulator::Run();
    const double cpu = cpu_seconds() - cpu_start;
    const auto run_end = std::chrono::steady_clock::now();
    Simulator::Destroy();

    // UdpClient has no Tx trace in ns-3.37: count the sends its schedule made before stop_s.
    std::uint64_t sent = 0;
    for (const double start_s : starts) {
        if (start_s < stop_s) {
            const auto k = static_cast<std::uint64_t>(std::ceil((stop_s - start_s) / interval_s));
            sent += std::min(k, per_sender);
        }
    }
    const double setup_s = std::chrono::duration<double>(run_start - setup_start).count();
    const double wall_s = std::chrono::duration<double>(run_end - run_start).count();
    const auto delivered = static_cast<double>(g_delivered);
    std::printf(
        "{\"simulator\": \"ns-3\", \"phones_per_side\": %u, \"sim_s\": %.3f, \"sent\": %llu, "
        "\"delivered\": "
        "%llu, \"mean_delay_ms\": %.6f, \"setup_s\": %.3f, \"run_wall_s\": %.3f, \"run_cpu_s\": "
        "%.3f, \"packets_per_wall_s\": %.0f, \"packets_per_cpu_s\": %.0f, \"peak_rss_mib\": "
        "%.1f}\n",
        n, stop_s, static_cast<unsigned long long>(sent),
        static_cast<unsigned long long>(g_delivered),
        g_delivered == 0 ? 0.0 : static_cast<double>(g_delay_sum_ns) / delivered / 1e6, setup_s,
        wall_s, cpu, delivered / wall_s, delivered / cpu,
        static_cast<double>(peak_rss_kib()) / 1024.0);
    return 0;
}
