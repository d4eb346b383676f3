// Whole scenarios through the real command line, checked against hand-computed results.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_support.hpp"

using namespace msgsim_test;

namespace {

/// Runs a scenario of tests/integration/scenarios and returns (summary, trace).
std::pair<nlohmann::json, nlohmann::json> run_scenario(const std::string& file,
                                                       const std::string& extra = "") {
    const auto dir = fresh_dir(file);
    const auto r =
        run_msgsim("run '" + scenario_path("tests/integration/scenarios/" + file).string() +
                       "' --quiet -o '" + dir.string() + "' " + extra,
                   dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {read_json(dir / "summary.json"), read_json(dir / "trace.json")};
}

}  // namespace

// One 100 B packet (60 B text + 40 B header; no compression, no encryption overhead, no
// processing time) crosses four links, two per leg. Each link adds latency + 800 bits /
// bandwidth: 1 ms + 80 us on the 10 Mbps access links, 5 ms + 800 us on the 1 Mbps core.
TEST(Journey, OnePacketArrivesAfterLatencyPlusSerializationOnEveryLink) {
    const auto [summary, trace] = run_scenario("chain.json");
    const double uplink_ms = (1.0 + 0.080) + (5.0 + 0.800);
    const double expected_ms = 2 * uplink_ms;  // the downlink is the mirror image
    EXPECT_EQ(summary["messages"]["delivered"], 1);
    EXPECT_DOUBLE_EQ(summary["latency_ms"]["max"].get<double>(), expected_ms);
    const auto& d = trace["messages"][0]["deliveries"][0];
    EXPECT_DOUBLE_EQ(d["latency_ms"].get<double>(), expected_ms);
    EXPECT_DOUBLE_EQ(d["delivered_at_ms"].get<double>(), 1000.0 + expected_ms);
    EXPECT_DOUBLE_EQ(d["stages_ms"]["access"].get<double>(), 2 * 1.080);
    EXPECT_DOUBLE_EQ(d["stages_ms"]["network"].get<double>(), 2 * 5.800);
    EXPECT_DOUBLE_EQ(d["stages_ms"]["queueing"].get<double>(), 0.0);
    EXPECT_EQ(d["path"], nlohmann::json({"alice-phone", "r1", "srv", "r2", "bob-phone"}));
    EXPECT_EQ(trace["messages"][0]["packets"], 1);
    EXPECT_EQ(trace["messages"][0]["size_bytes"], 60);
}

// Three 1040 B packets: on the 1 Mbps core link each takes 8.32 ms to send, so the third
// waits for the first two (store and forward). Uplink: the third packet leaves the phone
// at 2 * 0.832 ms, finishes at 3 * 0.832, reaches r1 1 ms later (3.496 ms), waits there
// until the second packet is sent (1.832 + 2 * 8.32 = 18.472 ms), then 8.32 + 5 ms: 31.792.
// The downlink mirrors it (the server finishes at 31.792 and sends all three at once).
TEST(Journey, PacketsOfOneMessageQueueBehindEachOtherAndQueueingIsAttributed) {
    const auto [summary, trace] = run_scenario("chain-multipacket.json");
    const auto& m = trace["messages"][0];
    EXPECT_EQ(m["packets"], 3);
    const auto& d = m["deliveries"][0];
    EXPECT_NEAR(d["latency_ms"].get<double>(), 2 * 31.792, 1e-9);
    // Uplink critical packet: queued 1.664 ms in the phone (access) and 14.976 ms at r1.
    // Downlink critical packet: 16.64 ms behind two packets at the server's core port,
    // then 0 at r2 (the link to bob is idle by then).
    EXPECT_NEAR(d["stages_ms"]["queueing"].get<double>(), 14.976 + 16.64, 1e-9);
    double sum = 0;
    for (const auto& [k, v] : d["stages_ms"].items())
        sum += v.get<double>();
    EXPECT_NEAR(sum, d["latency_ms"].get<double>(), 1e-9);
}

// bob is offline from 0 to 5 s; alice's 1 s message reaches the server at 1.00688 s and
// waits in storage until 5 s exactly, then takes the 6.88 ms downlink.
TEST(Journey, MessageToOfflineDeviceIsDeliveredRightAfterReconnect) {
    const auto [summary, trace] = run_scenario("chain-offline.json");
    const auto& d = trace["messages"][0]["deliveries"][0];
    EXPECT_EQ(d["status"], "delivered");
    EXPECT_NEAR(d["stored_ms"].get<double>(), 5000.0 - 1006.88, 1e-9);
    EXPECT_NEAR(d["delivered_at_ms"].get<double>(), 5000.0 + 6.88, 1e-9);
    EXPECT_NEAR(d["stages_ms"]["offline_wait"].get<double>(), 5000.0 - 1006.88, 1e-9);
    EXPECT_EQ(summary["servers"][0]["stored_peak"], 1);
}

// A run that ends while bob is still offline leaves the message stored, and counts it so.
TEST(Journey, MessageStillStoredAtTheEndIsCountedAsStored) {
    const auto [summary, trace] = run_scenario("chain-offline.json", "--until 3s");
    EXPECT_EQ(summary["messages"]["sent"], 1);
    EXPECT_EQ(summary["messages"]["stored"], 1);
    EXPECT_EQ(summary["messages"]["delivered"], 0);
    EXPECT_EQ(trace["messages"][0]["deliveries"][0]["status"], "stored");
}

TEST(Journey, ConservationHoldsOnALossyRandomRun) {
    const auto [summary, trace] = run_scenario("lossy-poisson.json");
    const auto& m = summary["messages"];
    EXPECT_GT(m["sent"].get<int>(), 50);
    EXPECT_EQ(m["sent"].get<int>(), m["delivered"].get<int>() + m["pending"].get<int>() +
                                        m["stored"].get<int>() + m["expired"].get<int>());
    EXPECT_GT(summary["packets"]["retransmissions"].get<int>(), 0);
    EXPECT_GT(summary["packets"]["dropped"]["loss"].get<int>(), 0);
    // Every delivered message's stages sum to its latency.
    for (const auto& msg : trace["messages"]) {
        for (const auto& d : msg["deliveries"]) {
            if (d["status"] != "delivered") continue;
            double sum = 0;
            for (const auto& [k, v] : d["stages_ms"].items())
                sum += v.get<double>();
            EXPECT_NEAR(sum, d["latency_ms"].get<double>(), 1e-6);
        }
    }
}

TEST(Determinism, SameSeedGivesByteIdenticalTraceAndOtherSeedADifferentOne) {
    const auto file = scenario_path("tests/integration/scenarios/lossy-poisson.json").string();
    const auto a = fresh_dir("det-a"), b = fresh_dir("det-b"), c = fresh_dir("det-c");
    ASSERT_EQ(run_msgsim("run '" + file + "' --quiet -o '" + a.string() + "'", a).exit_code, 0);
    ASSERT_EQ(run_msgsim("run '" + file + "' --quiet -o '" + b.string() + "'", b).exit_code, 0);
    ASSERT_EQ(
        run_msgsim("run '" + file + "' --quiet --seed 2 -o '" + c.string() + "'", c).exit_code, 0);
    const std::string ta = read_text(a / "trace.json");
    EXPECT_EQ(ta, read_text(b / "trace.json"));
    EXPECT_NE(ta, read_text(c / "trace.json"));
    auto sa = read_json(a / "summary.json"), sb = read_json(b / "summary.json");
    sa.erase("wall_time_s");
    sb.erase("wall_time_s");
    EXPECT_EQ(sa, sb);
    EXPECT_NE(sa["fingerprint"], read_json(c / "summary.json")["fingerprint"]);
}

// The kernel's future event sets (msgsim run --queue) pop in the same (when, src, seq)
// order, so every one gives the same run: byte-identical trace, same summary.
TEST(Determinism, EveryQueueGivesTheSameRun) {
    for (const char* scenario :
         {"tests/integration/scenarios/lossy-poisson.json", "scenarios/congestion-reroute.json"}) {
        const auto file = scenario_path(scenario).string();
        std::string first_trace;
        nlohmann::json first_summary;
        for (const char* queue : {"ladder", "compact-heap", "heap"}) {
            const auto dir = fresh_dir(std::string("queue-") + queue);
            ASSERT_EQ(run_msgsim("run '" + file + "' --quiet --queue " + queue + " -o '" +
                                     dir.string() + "'",
                                 dir)
                          .exit_code,
                      0)
                << scenario << " " << queue;
            auto summary = read_json(dir / "summary.json");
            summary.erase("wall_time_s");
            const std::string trace = read_text(dir / "trace.json");
            if (first_trace.empty()) {
                first_trace = trace;
                first_summary = summary;
                EXPECT_GT(summary["events"].get<long>(), 1000) << scenario;
            } else {
                EXPECT_EQ(trace, first_trace) << scenario << " " << queue;
                EXPECT_EQ(summary, first_summary) << scenario << " " << queue;
            }
        }
    }
}

// Network-layer datagrams: no server, no acks; each 200 B datagram takes the sum of the
// three links' latency + serialization: (1 ms + 16 us) + (5 ms + 160 us) + (1 ms + 16 us).
TEST(Datagrams, ConstantBitRateDatagramsArriveAfterTheExactPathDelay) {
    const auto [summary, trace] = run_scenario("datagrams.json");
    const auto& d = summary["datagrams"];
    EXPECT_EQ(d["sent"], 150);  // "count": 150 at 100/s within 2 s
    EXPECT_EQ(d["delivered"], 150);
    EXPECT_EQ(d["dropped"], 0);
    EXPECT_DOUBLE_EQ(d["delay_ms"]["max"].get<double>(), 7.192);
    EXPECT_DOUBLE_EQ(d["delay_ms"]["mean"].get<double>(), 7.192);
    EXPECT_EQ(summary["packets"]["sent"], 150);  // and not one ack
    EXPECT_EQ(summary["messages"]["sent"], 0);
}

// At 100 Mbit/s of 200 B datagrams into a 10 Mbit/s link with a 10-packet queue, most are
// dropped at the bottleneck: sent = delivered + dropped once all have drained.
TEST(Datagrams, OverloadedBottleneckDropsAndCountsEveryDatagram) {
    const auto [summary, trace] = run_scenario(
        "datagrams.json",
        "--set traffic.0.rate=60000/s --set traffic.0.count=6000 --set links.1.queue=10pkt");
    const auto& d = summary["datagrams"];
    EXPECT_EQ(d["sent"], 6000);
    EXPECT_GT(d["dropped"].get<int>(), 0);
    EXPECT_EQ(d["sent"].get<int>(), d["delivered"].get<int>() + d["dropped"].get<int>());
    EXPECT_EQ(d["dropped"], summary["packets"]["dropped"]["queue_full"]);
}

// The backbone link fails for 10 s: routing reacts after the detection delay, the
// transport resends what was lost on the dead link, and every message arrives.
TEST(Routing, AfterALinkFailureAndRecoveryEveryMessageIsDelivered) {
    const auto dir = fresh_dir("link-failure");
    const auto r = run_msgsim("run '" + scenario_path("scenarios/link-failure.json").string() +
                                  "' --quiet -o '" + dir.string() + "'",
                              dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto summary = read_json(dir / "summary.json");
    EXPECT_EQ(summary["messages"]["delivered"], summary["messages"]["sent"]);
    ASSERT_EQ(summary["routing"]["updates"], 2);
    EXPECT_DOUBLE_EQ(summary["routing"]["changes"][0]["at_ms"].get<double>(), 10'200.0);
    EXPECT_EQ(summary["routing"]["changes"][0]["changes"][0]["new_cost"], -1);
    // During the failure the detour carried traffic; the failed link carried none.
    for (const auto& l : summary["links"]) {
        if (l["from"] == "r1" && l["to"] == "r3") {
            EXPECT_GT(l["packets"].get<int>(), 0);
        }
    }
}

// With the short path's queue building up, congestion-aware routing moves traffic to the
// long path (which shortest-path never uses) and beats shortest-path on p99.
TEST(Routing, CongestionAwareUsesTheLongPathAndCutsTheTail) {
    auto run_policy = [](const std::string& policy) {
        const auto dir = fresh_dir("cr-" + policy);
        const auto r =
            run_msgsim("run '" + scenario_path("scenarios/congestion-reroute.json").string() +
                           "' --quiet --policy " + policy + " -o '" + dir.string() + "'",
                       dir);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return read_json(dir / "summary.json");
    };
    const auto sp = run_policy("shortest-path");
    const auto ca = run_policy("congestion-aware");
    auto packets_on = [](const nlohmann::json& s, const char* from, const char* to) {
        for (const auto& l : s["links"]) {
            if (l["from"] == from && l["to"] == to) return l["packets"].get<int>();
        }
        return -1;
    };
    EXPECT_EQ(packets_on(sp, "west", "long-hop"), 0);
    EXPECT_GT(packets_on(ca, "west", "long-hop"), 0);
    EXPECT_GT(packets_on(ca, "west", "short-hop"), 0);  // and back when the queue clears
    EXPECT_GT(ca["routing"]["updates"].get<int>(), 1);
    EXPECT_LT(ca["latency_ms"]["p99"].get<double>(), sp["latency_ms"]["p99"].get<double>());
}

// With every processing stage a known constant, each shows up exactly in the breakdown
// and the latency is the network part (13.76 ms, see above) plus their sum.
TEST(Journey, EachProcessingStageCostsExactlyItsConstant) {
    const auto [summary, trace] = run_scenario(
        "chain.json",
        "--set 'protocol.processing={\"encode\":\"1ms\",\"compress\":\"2ms\",\"encrypt\":\"3ms\","
        "\"decrypt\":\"4ms\",\"display\":\"5ms\",\"notify\":\"6ms\"}'");
    const auto& st = trace["messages"][0]["deliveries"][0]["stages_ms"];
    int expected = 1;
    for (const char* stage : {"encode", "compress", "encrypt", "decrypt", "display", "notify"}) {
        EXPECT_DOUBLE_EQ(st[stage].get<double>(), expected) << stage;
        ++expected;
    }
    EXPECT_DOUBLE_EQ(st["access"].get<double>(), 2 * 1.080);
    EXPECT_DOUBLE_EQ(st["network"].get<double>(), 2 * 5.800);
    const auto& d = trace["messages"][0]["deliveries"][0];
    EXPECT_NEAR(d["latency_ms"].get<double>(), 13.76 + 21.0, 1e-9);
    // Delivered = decrypted: sent + 3 sender stages + the network + decrypt.
    EXPECT_NEAR(d["delivered_at_ms"].get<double>(), 1000.0 + 6.0 + 13.76 + 4.0, 1e-9);
    EXPECT_NEAR(d["displayed_at_ms"].get<double>(), 1000.0 + 6.0 + 13.76 + 4.0 + 5.0, 1e-9);
}

// A TTL shorter than the offline period: the stored message expires, counted, not lost.
TEST(Journey, StoredMessageExpiresAfterItsTtlAndIsCountedAsExpired) {
    const auto [summary, trace] =
        run_scenario("chain-offline.json", "--set 'nodes.2.storage={\"ttl\":\"2s\"}'");
    EXPECT_EQ(summary["messages"]["expired"], 1);
    EXPECT_EQ(summary["messages"]["delivered"], 0);
    EXPECT_EQ(trace["messages"][0]["deliveries"][0]["status"], "expired");
    // Also when the run ends before the device is back: expired once the TTL has passed.
    const auto [early, t2] =
        run_scenario("chain-offline.json", "--until 4s --set 'nodes.2.storage={\"ttl\":\"2s\"}'");
    EXPECT_EQ(early["messages"]["expired"], 1);
    EXPECT_EQ(early["messages"]["stored"], 0);
}

// With push notifications on, the backlog leaves only once the push has woken the app.
TEST(Journey, PushNotificationDelaysTheBacklogByItsDelay) {
    const auto [summary, trace] =
        run_scenario("chain-offline.json", "--set 'protocol.push={\"delay\":\"500ms\"}'");
    const auto& d = trace["messages"][0]["deliveries"][0];
    EXPECT_NEAR(d["stages_ms"]["push"].get<double>(), 500.0, 1e-9);
    EXPECT_NEAR(d["stages_ms"]["offline_wait"].get<double>(), 5000.0 - 1006.88, 1e-9);
    EXPECT_NEAR(d["delivered_at_ms"].get<double>(), 5500.0 + 6.88, 1e-9);
}

// A traveller homed in Sydney but in London: with "home" selection his messages go to the
// Sydney server, with "nearest" to Frankfurt, and they take longer with "home".
TEST(ServerSelection, HomeSendsATravellersMessagesToHisHomeRegion) {
    auto run_selection = [](const std::string& selection) {
        const auto dir = fresh_dir("gr-" + selection);
        const auto r =
            run_msgsim("run '" + scenario_path("scenarios/global-regions.json").string() +
                           "' --quiet --set routing.server_selection=" + selection + " -o '" +
                           dir.string() + "'",
                       dir);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return read_json(dir / "trace.json");
    };
    auto gus = [](const nlohmann::json& trace, std::string& server) {
        double sum = 0;
        int n = 0;
        for (const auto& m : trace["messages"]) {
            if (m["from"] != "gus") continue;
            server = m["server"];
            for (const auto& d : m["deliveries"]) {
                if (d["status"] == "delivered") {
                    sum += d["latency_ms"].get<double>();
                    ++n;
                }
            }
        }
        return n ? sum / n : 0.0;
    };
    std::string near_server, home_server;
    const double near = gus(run_selection("nearest"), near_server);
    const double home = gus(run_selection("home"), home_server);
    EXPECT_EQ(near_server, "eu-server");
    EXPECT_EQ(home_server, "au-server");
    EXPECT_GT(home, near + 50.0);  // London - Sydney and back is well over 100 ms
}

// RED on the overloaded bottleneck: early drops keep its queue short, so the datagrams that
// get through wait less than behind a full drop-tail queue of the same size.
TEST(Datagrams, RedKeepsTheBottleneckQueueShorterThanDropTail) {
    const std::string overload =
        "--set traffic.0.rate=60000/s --set traffic.0.count=6000 --set links.1.queue=50pkt";
    const auto [droptail, t1] = run_scenario("datagrams.json", overload);
    const auto [red, t2] = run_scenario(
        "datagrams.json",
        overload + " --set 'links.1.red={\"min\":\"5pkt\",\"max\":\"15pkt\",\"weight\":0.2}'");
    EXPECT_GT(red["packets"]["dropped"]["red"].get<int>(), 0);
    EXPECT_EQ(droptail["packets"]["dropped"]["red"], 0);
    EXPECT_LT(red["datagrams"]["delay_ms"]["mean"].get<double>(),
              droptail["datagrams"]["delay_ms"]["mean"].get<double>());
    const auto& d = red["datagrams"];
    EXPECT_EQ(d["sent"].get<int>(), d["delivered"].get<int>() + d["dropped"].get<int>());
}
