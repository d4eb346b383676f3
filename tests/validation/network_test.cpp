// Links and the reliable transport against exact arithmetic and probability theory: a chain
// of links, store and forward, stop-and-wait retransmission, Gilbert-Elliott loss and the
// M/M/1/K blocking probability of a link queue (scenarios in tests/validation/scenarios).
#include <cmath>
#include <cstdint>

#include "validation_support.hpp"

using namespace msgsim_validation;

namespace {

struct LinkTiming {
    std::int64_t latency_ns;
    std::uint64_t bandwidth_bps;
};

/// Serialization time, rounded up to the next nanosecond as SPEC.md's integer time requires
/// (a packet has not left before its last bit has).
std::int64_t serialization_ns(std::uint64_t bytes, std::uint64_t bps) {
    const std::uint64_t bit_ns = bytes * 8 * 1'000'000'000ull;
    return static_cast<std::int64_t>((bit_ns + bps - 1) / bps);
}

/// Exit times (ns) of packets that enter a path of FIFO links at `enter` (non-decreasing)
/// with `bytes` each: on every link a packet starts when it has arrived and the previous one
/// has left (d_k = max(a_k, d_{k-1}) + s_k), then propagates.
std::vector<std::int64_t> through_path(std::vector<std::int64_t> enter,
                                       const std::vector<std::uint64_t>& bytes,
                                       const std::vector<LinkTiming>& path) {
    for (const LinkTiming& link : path) {
        std::int64_t free_at = INT64_MIN;
        for (std::size_t k = 0; k < enter.size(); ++k) {
            const std::int64_t done =
                std::max(enter[k], free_at) + serialization_ns(bytes[k], link.bandwidth_bps);
            free_at = done;
            enter[k] = done + link.latency_ns;
        }
    }
    return enter;
}

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kUs = 1'000;

double ms_of(std::int64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

}  // namespace

// --- chain of links --------------------------------------------------------------------

// Seven links with different latencies and bandwidths (3, 7, 11, 45 and 155 Mbit/s do not
// divide a packet's bits, so the serialization rounds up): a lone one-packet message takes
// exactly sum(latency + ceil(8 * bytes * 1e9 / bandwidth) ns) over the links. 1e-9 ms is a
// picosecond: the check is exact to the nanosecond.
TEST(LinkChain, LatencyIsTheExactSumOfPropagationAndSerializationOverSevenLinks) {
    // Mirrors chain-long.json (checked below); 40 B header, no compression or overhead.
    struct Row {
        const char* latency;
        const char* bandwidth;
        LinkTiming timing;
    };
    // clang-format off
    const std::vector<Row> rows{{"1ms", "10Mbps", {1 * kMs, 10'000'000}},
                                {"2500us", "3Mbps", {2500 * kUs, 3'000'000}},
                                {"7ms", "45Mbps", {7 * kMs, 45'000'000}},
                                {"250us", "155Mbps", {250 * kUs, 155'000'000}},
                                {"4ms", "7Mbps", {4 * kMs, 7'000'000}},
                                {"1500us", "11Mbps", {1500 * kUs, 11'000'000}},
                                {"3ms", "2Mbps", {3 * kMs, 2'000'000}}};
    // clang-format on
    const json scenario = msgsim_test::read_json(
        msgsim_test::scenario_path("tests/validation/scenarios/chain-long.json"));
    ASSERT_EQ(scenario["links"].size(), rows.size());
    std::vector<LinkTiming> path;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(scenario["links"][i]["latency"], rows[i].latency) << "link " << i;
        EXPECT_EQ(scenario["links"][i]["bandwidth"], rows[i].bandwidth) << "link " << i;
        path.push_back(rows[i].timing);
    }

    const RunOutput out = run_validation_scenario("chain-long.json", "");
    ASSERT_FALSE(out.trace.is_null());
    const json& messages = out.trace["messages"];
    ASSERT_EQ(messages.size(), 4u);
    for (const json& m : messages) {
        ASSERT_EQ(m["packets"], 1);
        const std::uint64_t bytes = m["size_bytes"].get<std::uint64_t>() + 40;
        const std::int64_t expected_ns = through_path({0}, {bytes}, path)[0];
        const json& d = m["deliveries"][0];
        ASSERT_EQ(d["status"], "delivered");
        print_exact("chain latency (ms), " + std::to_string(bytes) + " B packet",
                    d["latency_ms"].get<double>(), ms_of(expected_ns));
        EXPECT_NEAR(d["latency_ms"].get<double>(), ms_of(expected_ns), 1e-9);
        EXPECT_EQ(d["path"],
                  json({"alice-phone", "r1", "r2", "r3", "srv", "r4", "r5", "bob-phone"}));
        EXPECT_EQ(d["retransmissions"], 0);
        // Nothing queued, so the latency is all access (first and last link) and network.
        const std::int64_t access_ns = through_path({0}, {bytes}, {path.front()})[0] +
                                       through_path({0}, {bytes}, {path.back()})[0];
        EXPECT_NEAR(d["stages_ms"]["access"].get<double>(), ms_of(access_ns), 1e-9);
        EXPECT_NEAR(d["stages_ms"]["network"].get<double>(), ms_of(expected_ns - access_ns), 1e-9);
        EXPECT_EQ(d["stages_ms"]["queueing"].get<double>(), 0.0);
    }
}

// --- store and forward -------------------------------------------------------------------

// bob's phone is offline during [0, 20 s). The server stores what arrives meanwhile and at
// 20 s starts every stored delivery in arrival order; they leave through FIFO queues, so
// bob gets them in the order sent. Everything is deterministic: stored_ms must be exactly
// 20 s minus the arrival at the server, and delivered_at_ms the tandem-queue exit time.
TEST(StoreAndForward, OfflineDeviceGetsItsBacklogInOrderRightAtReconnect) {
    const std::vector<LinkTiming> uplink{{1 * kMs, 10'000'000}, {5 * kMs, 1'000'000}};
    const std::vector<LinkTiming> downlink{{5 * kMs, 1'000'000}, {1 * kMs, 10'000'000}};
    const std::int64_t reconnect = 20'000 * kMs;

    const RunOutput out = run_validation_scenario("offline-backlog.json", "");
    ASSERT_FALSE(out.trace.is_null());
    const json& messages = out.trace["messages"];
    ASSERT_EQ(messages.size(), 6u);

    std::vector<std::int64_t> sent;
    std::vector<std::uint64_t> bytes;
    for (const json& m : messages) {
        ASSERT_EQ(m["packets"], 1);
        sent.push_back(std::llround(m["sent_at_ms"].get<double>() * 1e6));
        bytes.push_back(m["size_bytes"].get<std::uint64_t>() + 40);
    }
    const std::vector<std::int64_t> at_server = through_path(sent, bytes, uplink);

    // Stored: those that reached the server before bob came back. They start together at
    // the reconnect, in arrival order; the others leave as soon as they arrive.
    std::vector<std::size_t> stored, direct;
    for (std::size_t k = 0; k < messages.size(); ++k) {
        (at_server[k] < reconnect ? stored : direct).push_back(k);
    }
    ASSERT_EQ(stored.size(), 5u) << "the scenario is meant to store five messages";
    std::vector<std::int64_t> expected_delivery(messages.size());
    {
        std::vector<std::int64_t> enter(stored.size(), reconnect);
        std::vector<std::uint64_t> b;
        for (std::size_t k : stored)
            b.push_back(bytes[k]);
        const auto exits = through_path(enter, b, downlink);
        for (std::size_t i = 0; i < stored.size(); ++i)
            expected_delivery[stored[i]] = exits[i];
    }
    for (std::size_t k : direct) {
        expected_delivery[k] = through_path({at_server[k]}, {bytes[k]}, downlink)[0];
    }

    double previous_ms = -1;
    for (std::size_t k = 0; k < messages.size(); ++k) {
        const json& d = messages[k]["deliveries"][0];
        ASSERT_EQ(d["status"], "delivered") << "message " << k;
        const bool was_stored = at_server[k] < reconnect;
        const double stored_ms = was_stored ? ms_of(reconnect - at_server[k]) : 0.0;
        print_exact("message " + std::to_string(k) + " stored_ms", d["stored_ms"].get<double>(),
                    stored_ms);
        print_exact("message " + std::to_string(k) + " delivered_at_ms",
                    d["delivered_at_ms"].get<double>(), ms_of(expected_delivery[k]));
        EXPECT_NEAR(d["stored_ms"].get<double>(), stored_ms, 1e-9) << "message " << k;
        EXPECT_NEAR(d["stages_ms"]["offline_wait"].get<double>(), stored_ms, 1e-9);
        EXPECT_NEAR(d["delivered_at_ms"].get<double>(), ms_of(expected_delivery[k]), 1e-9)
            << "message " << k;
        EXPECT_GT(d["delivered_at_ms"].get<double>(), previous_ms) << "out of order at " << k;
        previous_ms = d["delivered_at_ms"].get<double>();
    }
    EXPECT_EQ(out.summary["servers"][0]["stored_peak"], 5);
    EXPECT_EQ(out.summary["servers"][0]["stored_at_end"], 0);
}

// --- stop-and-wait retransmission --------------------------------------------------------

// With a window of one packet, one-packet messages and a timeout far above the round trip,
// the sender transmits a copy and waits: the copy "succeeds" when the data crosses the lossy
// link (probability 1 - p) and then its acknowledgement crosses back (1 - p again), each
// draw independent. A lost ack makes the sender resend data the receiver already has (it
// acks the duplicate again). So the number N of transmissions per packet is geometric with
// success probability q = (1 - p)^2 and E[N] = 1 / q = 1 / (1 - p)^2, Var[N] = (1 - q) / q^2
// (Bertsekas & Gallager, Data Networks, 2nd ed., sec. 2.4: stop-and-wait ARQ). If acks could
// not be lost it would be 1 / (1 - p) instead: at p = 0.2, 1.25 against 1.5625.
// Messages are independent here (every loss is a fresh draw), so the per-message counts of
// one long run are i.i.d. and their standard error is s / sqrt(n).
void check_stop_and_wait(double p) {
    char args[64];
    std::snprintf(args, sizeof args, "--set links.0.loss=%g", p);
    const RunOutput out = run_validation_scenario("stop-and-wait.json", args);
    ASSERT_FALSE(out.trace.is_null());
    std::vector<double> transmissions;
    std::uint64_t resent = 0;
    for (const json& m : out.trace["messages"]) {
        ASSERT_EQ(m["packets"], 1);
        const json& d = m["deliveries"][0];
        ASSERT_EQ(d["status"], "delivered") << "message " << m["id"];
        const auto r = d["retransmissions"].get<std::uint64_t>();  // uplink + downlink
        resent += r;
        transmissions.push_back(1.0 + static_cast<double>(r));
    }
    ASSERT_GT(transmissions.size(), 5000u);
    // The downlink is lossless and the timeout long, so every resend is on the lossy uplink,
    // and the link's own count of data packets sent agrees.
    EXPECT_EQ(out.summary["packets"]["retransmissions"].get<std::uint64_t>(), resent);
    EXPECT_EQ(link_direction(out.summary, "alice-phone", "srv")["packets"].get<std::uint64_t>(),
              transmissions.size() + resent);
    const double theory = 1 / ((1 - p) * (1 - p));
    char what[96];
    std::snprintf(what, sizeof what, "stop-and-wait p=%g transmissions/packet", p);
    expect_agrees_with_theory(what, estimate_of(transmissions), theory);
}

TEST(StopAndWait, MeanTransmissionsPerPacketIsOneOverOneMinusPSquaredAtTwentyPercentLoss) {
    check_stop_and_wait(0.2);
}

TEST(StopAndWait, MeanTransmissionsPerPacketIsOneOverOneMinusPSquaredAtFivePercentLoss) {
    check_stop_and_wait(0.05);
}

// --- Gilbert-Elliott loss ------------------------------------------------------------------

// Each direction of the link runs its own two-state Markov chain, stepped once per packet,
// and loses the packet with the probability of the state it is in. The chain's stationary
// law is pi_B = p_gb / (p_gb + p_bg), pi_G = 1 - pi_B, so the long-run loss rate is
// pi_G * loss_good + pi_B * loss_bad (Gilbert, Bell Syst. Tech. J. 39, 1960; Elliott, ibid.
// 42, 1963). With 0.05, 0.25, 1 %, 50 %: pi_B = 1/6 and the rate is 0.0916667.
// Successive losses are correlated (bursts), so a binomial error would be too small: the
// standard error comes from 10 independent replications instead. Bias allowance: each chain
// starts in the good state, which removes on average pi_B * lambda / (1 - lambda) *
// (loss_bad - loss_good) losses per direction (lambda = 1 - p_gb - p_bg, the chain's second
// eigenvalue): below 0.4 losses, against ~2000 per run.
TEST(GilbertElliott, LongRunLossRateIsTheStationaryMixtureOfTheTwoStates) {
    const double p_gb = 0.05, p_bg = 0.25, loss_good = 0.01, loss_bad = 0.5;
    const double pi_bad = p_gb / (p_gb + p_bg);
    const double theory = (1 - pi_bad) * loss_good + pi_bad * loss_bad;
    double packets_min = 1e300;
    const auto rates = replicate("gilbert-elliott.json", "", 10, [&](const RunOutput& out) {
        const json& summary = out.summary;
        const json& up = link_direction(summary, "alice-phone", "srv");
        const json& down = link_direction(summary, "srv", "alice-phone");
        const auto lost =
            up["dropped"]["loss"].get<double>() + down["dropped"]["loss"].get<double>();
        const auto packets = up["packets"].get<double>() + down["packets"].get<double>();
        packets_min = std::min(packets_min, packets);
        return lost / packets;
    });
    const double lambda = 1 - p_gb - p_bg;
    const double bias = 2 * pi_bad * lambda / (1 - lambda) * (loss_bad - loss_good) / packets_min;
    expect_agrees_with_theory("Gilbert-Elliott loss rate", estimate_of(rates), theory, bias);
}

// --- M/M/1/K on a link queue ---------------------------------------------------------------

// alice's access link: Poisson arrivals (lambda = 100/s) of one-packet messages whose size is
// exponential (mean 10000 B, so transmission is exponential with mean 8 ms at 10 Mbit/s:
// rho = 0.8), a drop-tail queue of 4 packets plus the one being sent: M/M/1/K with K = 5.
// An arriving packet sees the stationary state (PASTA), so the fraction dropped is
//   P_K = (1 - rho) rho^K / (1 - rho^(K+1))   (Kleinrock Vol. 1, ch. 3, M/M/1/K)
// = 0.0888. The arrivals stay Poisson because nothing else is sent on that direction of the
// link and a dropped packet's retransmission timeout (1 h) lies beyond the run: every packet
// offered is a first transmission, and their number is the number of messages. Sizes are
// whole bytes (a rounded exponential: the relative change of the mean is below 1e-4).
// Replications give the standard error (drops come in bursts, so not binomially); the queue
// forgets its empty start within a few 8 ms transmissions, negligible against 200 s.
TEST(LinkQueue, BlockingProbabilityMatchesMM1KWithExponentialPacketSizes) {
    const double lambda = 100, mean_bits = 10000 * 8, bps = 10e6;
    const int k = 5;
    const double rho = lambda * mean_bits / bps;
    const double theory = (1 - rho) * std::pow(rho, k) / (1 - std::pow(rho, k + 1));
    const auto blocking = replicate("link-mm1k.json", "", 10, [](const RunOutput& out) {
        const json& summary = out.summary;
        EXPECT_EQ(summary["packets"]["retransmissions"], 0);
        const json& up = link_direction(summary, "alice-phone", "srv");
        return up["dropped"]["queue_full"].get<double>() /
               summary["messages"]["unique"].get<double>();
    });
    expect_agrees_with_theory("M/M/1/5 rho=0.8 blocking probability", estimate_of(blocking),
                              theory);
}
