#include "sim/scenario/profiles.hpp"

namespace sim::scenario {

namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

net::LossSpec bernoulli(double p) {
    net::LossSpec loss;
    loss.model = p > 0 ? net::LossSpec::Model::Bernoulli : net::LossSpec::Model::None;
    loss.p = p;
    return loss;
}

net::QueueSpec kibibytes(std::uint64_t n) {
    return {net::QueueSpec::Unit::Bytes, n << 10};
}

AccessProfile profile(Duration latency, std::uint64_t bps, double loss, net::QueueSpec queue) {
    return {latency, bps, bernoulli(loss), queue};
}

}  // namespace

// Planning figures for the first hop (device to its access router), rounded from public
// measurements; not measurements themselves. One-way latency is half a typical idle RTT.
// Links are symmetric in msgsim, so one bandwidth stands for both directions (between a
// network's typical uplink and downlink). Loss is residual IP-level loss after the radio
// layer's own retransmissions (HARQ/ARQ, 802.11 retries).
// - ethernet: 1000BASE-T (IEEE 802.3ab); a switched LAN adds well under 1 ms.
// - wifi: idle Wi-Fi hop plus fixed access: Ofcom "UK Home Broadband Performance" (2022/23)
//   reports ~10-20 ms RTT on FTTP/cable and median downloads of ~50-70 Mbit/s; Wi-Fi
//   contention losses and tails: Sui et al., "Characterizing and Improving WiFi Latency in
//   Large-Scale Operational Networks", MobiSys 2016.
// - lte: OpenSignal's mobile network experience reports put 4G RTT mostly at 30-60 ms and
//   typical 4G downloads at 15-40 Mbit/s (uplinks 5-10 Mbit/s); Huang et al., "A Close
//   Examination of Performance and Power Characteristics of 4G LTE Networks", MobiSys 2012.
// - 5g: OpenSignal's 5G reports (non-standalone 5G: ~20-30 ms RTT, 100-300 Mbit/s down);
//   3GPP TR 38.913 targets 4 ms one-way user plane for eMBB, which deployed networks do not
//   reach end to end.
// - 3g: OpenSignal's 2014-2016 reports: 3G (HSPA) ~100-150 ms RTT, 1-4 Mbit/s.
// Queues: cellular networks buffer deeply (Jiang et al., "Tackling Bufferbloat in 3G/4G
// Networks", IMC 2012); the sizes below are our choice, a few hundred ms of the link's rate
// on cellular and tens of ms elsewhere.
const std::map<std::string, AccessProfile>& builtin_profiles() {
    static const std::map<std::string, AccessProfile> profiles{
        {"ethernet", profile(microseconds(500), 1'000'000'000, 0.0, kibibytes(1024))},
        {"wifi", profile(milliseconds(5), 50'000'000, 0.005, kibibytes(256))},
        {"lte", profile(milliseconds(25), 20'000'000, 0.002, kibibytes(512))},
        {"5g", profile(milliseconds(10), 150'000'000, 0.001, kibibytes(1024))},
        {"3g", profile(milliseconds(60), 2'000'000, 0.01, kibibytes(128))},
    };
    return profiles;
}

}  // namespace sim::scenario
