// Servers: crashes (durable and not), the backbone between servers, load-balanced
// instances of a region, and explain's account of why a packet took its route.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "run_support.hpp"

using namespace msgsim_test;
using nlohmann::json;

namespace {

struct Outputs {
    json summary, trace;
};

Outputs run(const std::string& scenario, const std::string& extra, const std::string& tag) {
    const auto dir = fresh_dir(tag);
    const auto r = run_msgsim(
        "run '" + scenario_path(scenario).string() + "' --quiet -o '" + dir.string() + "' " + extra,
        dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {read_json(dir / "summary.json"), read_json(dir / "trace.json")};
}

const json& server(const json& summary, const std::string& id) {
    for (const auto& s : summary["servers"]) {
        if (s["id"] == id) return s;
    }
    ADD_FAILURE() << "no server " << id;
    return summary["servers"][0];
}

/// Every delivered (message, device): its stages add up to its latency.
void expect_stages_sum_to_latency(const json& trace) {
    for (const auto& m : trace["messages"]) {
        for (const auto& d : m["deliveries"]) {
            if (d["status"] != "delivered") continue;
            double sum = 0;
            for (const auto& [stage, v] : d["stages_ms"].items())
                sum += v.get<double>();
            EXPECT_NEAR(sum, d["latency_ms"].get<double>(), 1e-6) << "message " << m["id"];
        }
    }
}

int uploads(const json& summary, const std::string& id) {
    const json& s = server(summary, id);
    return s["processed"].get<int>() - s["relay_in"].get<int>();
}

const std::string kCrash = "tests/integration/scenarios/server-crash.json";
const std::string kPool = "scenarios/server-pool.json";

}  // namespace

// srv crashes from 2 s to 3 s. Message 0 is stored for bob (offline until 5 s); message 1
// is in service (200 ms) when it crashes; message 2 is sent while it is down. Durable
// storage keeps message 0; alice's phone sends message 1 again once it learns of the reset,
// and retries message 2 until the server is back: all three reach bob when he reconnects.
TEST(ServerCrash, DurableStorageKeepsStoredMessagesAndSendersResendTheRest) {
    const Outputs r = run(kCrash, "", "crash-durable");
    const json& m = r.summary["messages"];
    EXPECT_EQ(m["sent"], 3);
    EXPECT_EQ(m["delivered"], 3);
    EXPECT_EQ(m["lost"], 0);
    EXPECT_EQ(server(r.summary, "srv")["crashes"], 1);
    const auto& msgs = r.trace["messages"];
    EXPECT_EQ(msgs[0]["deliveries"][0]["retransmissions"], 0);             // survived in storage
    EXPECT_GT(msgs[1]["deliveries"][0]["retransmissions"].get<int>(), 0);  // sent again
    // Message 1's first attempt died in the crash: from then on its time is retransmit, and
    // it was processed again after the restart at 3 s.
    EXPECT_GT(msgs[1]["deliveries"][0]["stages_ms"]["retransmit"].get<double>(), 3000.0 - 1906.0);
    for (const auto& msg : msgs)
        EXPECT_GE(msg["deliveries"][0]["delivered_at_ms"].get<double>(), 5000.0);
    expect_stages_sum_to_latency(r.trace);
}

// Without durable storage, the crash loses exactly what was stored at that moment (message
// 0); the others are delivered; conservation counts the loss.
TEST(ServerCrash, NonDurableCrashLosesExactlyTheStoredMessages) {
    const Outputs r = run(kCrash, "--set 'nodes.2.storage={\"durable\":false}'", "crash-volatile");
    const json& m = r.summary["messages"];
    EXPECT_EQ(m["lost"], 1);
    EXPECT_EQ(server(r.summary, "srv")["lost"], 1);
    EXPECT_EQ(m["delivered"], 2);
    EXPECT_EQ(m["sent"].get<int>(), m["delivered"].get<int>() + m["pending"].get<int>() +
                                        m["stored"].get<int>() + m["expired"].get<int>() +
                                        m["lost"].get<int>());
    EXPECT_EQ(r.trace["messages"][0]["deliveries"][0]["status"], "lost");
    EXPECT_EQ(r.trace["messages"][1]["deliveries"][0]["status"], "delivered");
    // Several messages stored at the crash: all of them are lost.
    const Outputs later = run(kCrash,
                              "--set 'nodes.2.storage={\"durable\":false}' --set "
                              "'faults=[{\"at\":\"4s\",\"node\":\"srv\",\"down_for\":\"1s\"}]'",
                              "crash-volatile-late");
    EXPECT_EQ(later.summary["messages"]["lost"], 3);
    EXPECT_EQ(later.summary["messages"]["delivered"], 0);
}

// gus lives in Sydney (home au) but travels in London. With home selection his messages go
// up to au-server, then over the backbone to each recipient's home server, which delivers.
TEST(Backbone, HomeSelectionRelaysFromTheSendersServerToTheRecipients) {
    const Outputs r =
        run("scenarios/global-regions.json", "--set routing.server_selection=home", "bb-home");
    const std::map<std::string, std::string> home_server = {
        {"ana", "sa-server"},   {"ben", "us-server"}, {"chen", "asia-server"},
        {"dev", "asia-server"}, {"eva", "eu-server"}, {"fin", "au-server"},
        {"gus", "au-server"},   {"ife", "eu-server"}, {"kai", "asia-server"}};
    int relayed = 0;
    for (const auto& m : r.trace["messages"]) {
        if (m["from"] != "gus") continue;
        EXPECT_EQ(m["server"], "au-server");
        for (const auto& d : m["deliveries"]) {
            if (d["status"] != "delivered") continue;
            const std::string to = home_server.at(m["to"]);
            EXPECT_EQ(d["server"], to);
            const auto& path = d["path"];
            const auto has = [&](const std::string& n) {
                return std::find(path.begin(), path.end(), n) != path.end();
            };
            EXPECT_TRUE(has("au-server"));
            EXPECT_TRUE(has(to));
            if (to == "au-server") continue;
            ++relayed;
            const auto& bb = d["backbone_path"];
            ASSERT_GE(bb.size(), 3u);  // server, at least two routers, server
            EXPECT_EQ(bb.front(), "au-server");
            EXPECT_EQ(bb.back(), to);
            EXPECT_TRUE(has("sydney-router"));  // the backbone leaves Sydney
        }
    }
    EXPECT_GT(relayed, 0);
    EXPECT_GT(server(r.summary, "au-server")["relayed"].get<int>(), 0);
    expect_stages_sum_to_latency(r.trace);
}

// Round-robin: the eu instances take turns, so their uploads differ by at most one.
TEST(LoadBalancer, RoundRobinSpreadsUploadsEvenly) {
    const Outputs r =
        run(kPool, "--set faults=[] --set routing.load_balancer=round-robin", "lb-rr");
    const int a = uploads(r.summary, "eu-1"), b = uploads(r.summary, "eu-2"),
              c = uploads(r.summary, "eu-3");
    EXPECT_GT(a + b + c, 30);
    EXPECT_LE(std::max({a, b, c}) - std::min({a, b, c}), 1);
    expect_stages_sum_to_latency(r.trace);
}

// Consistent hash on the recipient: each recipient's messages land on one eu instance, the
// one its own devices use, so messages within eu need no backbone hop.
TEST(LoadBalancer, ConsistentHashKeepsEachRecipientOnOneInstance) {
    const Outputs r = run(kPool, "--set faults=[]", "lb-ch");
    std::map<std::string, std::set<std::string>> servers_of;
    int within_eu = 0;
    for (const auto& m : r.trace["messages"]) {
        const std::string s = m["server"];
        if (s.rfind("eu-", 0) != 0) continue;
        servers_of[m["to"]].insert(s);
        for (const auto& d : m["deliveries"]) {
            if (d["status"] != "delivered" || d["server"].get<std::string>().rfind("eu-", 0) != 0)
                continue;
            EXPECT_EQ(d["server"], s);
            EXPECT_TRUE(d["backbone_path"].empty());
            ++within_eu;
        }
    }
    EXPECT_GT(within_eu, 10);
    for (const auto& [to, servers] : servers_of)
        EXPECT_EQ(servers.size(), 1u) << to;
    // The same scenario and seed: the same placement, byte for byte.
    const Outputs again = run(kPool, "--set faults=[]", "lb-ch2");
    EXPECT_EQ(again.trace, r.trace);
}

// eu-1 is slow (one worker, 40 ms per message) and traffic is heavy: least-loaded sends it
// fewer messages than its round-robin third, and the mean latency drops.
TEST(LoadBalancer, LeastLoadedBalancesUnderSkew) {
    const std::string skew =
        "--set faults=[] --set presence=[] --set nodes.4.workers=1 --set nodes.4.service_time=40ms "
        "--set traffic.0.rate=300/min --set routing.update_interval=50ms --set expect=[]";
    const Outputs rr = run(kPool, skew + " --set routing.load_balancer=round-robin", "lb-skew-rr");
    const Outputs ll = run(kPool, skew + " --set routing.load_balancer=least-loaded", "lb-skew-ll");
    const int rr_slow = uploads(rr.summary, "eu-1");
    const int ll_slow = uploads(ll.summary, "eu-1");
    EXPECT_LT(ll_slow * 2, rr_slow);  // well under its round-robin share
    EXPECT_LT(ll.summary["latency_ms"]["mean"].get<double>(),
              rr.summary["latency_ms"]["mean"].get<double>());
    EXPECT_LT(server(ll.summary, "eu-1")["mean_wait_ms"].get<double>(),
              server(rr.summary, "eu-1")["mean_wait_ms"].get<double>());
}

// eu-2 crashes for 10 s: its queue is resent by the senders (to another instance once the
// crash is detected) and its durable storage survives: nothing is lost, all is delivered.
TEST(ServerCrash, AnInstanceCrashInAPoolLosesNothing) {
    const Outputs r = run(kPool, "", "pool-crash");
    const json& m = r.summary["messages"];
    EXPECT_EQ(server(r.summary, "eu-2")["crashes"], 1);
    EXPECT_EQ(m["lost"], 0);
    EXPECT_EQ(m["delivered"], m["sent"]);
    expect_stages_sum_to_latency(r.trace);
    EXPECT_EQ(run(kPool, "", "pool-crash-again").trace, r.trace);  // deterministic
}

// explain says which policy chose each leg's path and at what cost, and quotes the route
// change in force (with old and new costs) after a failure or a congestion update.
TEST(Explain, SaysWhichPolicyChoseThePathAndWhy) {
    const auto dir = fresh_dir("explain-routes");
    // Message 425 is sent at 11.1 s, while r1-r2 is down (detected at 10.2 s).
    const auto lf = run_msgsim(
        "explain '" + scenario_path("scenarios/link-failure.json").string() + "' --message 425",
        dir);
    ASSERT_EQ(lf.exit_code, 0) << lf.err;
    EXPECT_NE(lf.out.find("Why this path: shortest-path: least propagation latency, 31.000 ms via "
                          "r3 r2"),
              std::string::npos)
        << lf.out;
    EXPECT_NE(lf.out.find("Routes last changed at 10200.000 ms because link r1-r2 detected down: "
                          "r1->r2 old cost 5.000 ms, new cost down"),
              std::string::npos)
        << lf.out;
    const auto ca =
        run_msgsim("explain '" + scenario_path("scenarios/congestion-reroute.json").string() +
                       "' --set routing.policy=congestion-aware",
                   dir);
    ASSERT_EQ(ca.exit_code, 0) << ca.err;
    EXPECT_NE(ca.out.find("congestion-aware: least latency plus measured queueing, cost "),
              std::string::npos)
        << ca.out;
    EXPECT_NE(ca.out.find("because measured queueing delays changed: "), std::string::npos)
        << ca.out;
    EXPECT_NE(ca.out.find("old cost "), std::string::npos) << ca.out;
    EXPECT_NE(ca.out.find("the alternative via "), std::string::npos) << ca.out;
    // Two equal-latency routes from r1 to srv (via ra, via rb): ecmp hashed the flow onto one.
    const auto ecmp = run_msgsim(
        "explain '" + scenario_path("tests/integration/scenarios/diamond.json").string() +
            "' --message 0",
        dir);
    ASSERT_EQ(ecmp.exit_code, 0) << ecmp.err;
    EXPECT_NE(ecmp.out.find("ecmp: least latency, 5.000 ms via r"), std::string::npos) << ecmp.out;
    EXPECT_NE(ecmp.out.find("one of 2 equal-cost paths, chosen by a hash of the flow"),
              std::string::npos)
        << ecmp.out;
    EXPECT_NE(ecmp.out.find("the only least-latency path; there is no other route"),
              std::string::npos)
        << ecmp.out;  // the downlink: srv - r2 is the only way
}

// explain tells a message's crash story: its upload died with the server and was sent again.
TEST(Explain, NarratesAnUploadLostInACrash) {
    const auto dir = fresh_dir("explain-crash");
    const auto r = run_msgsim("explain '" + scenario_path(kCrash).string() + "' --message 1", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("1 time(s) the phone learned of the reset connection and sent the whole "
                         "message again"),
              std::string::npos)
        << r.out;
    const auto lost = run_msgsim("explain '" + scenario_path(kCrash).string() +
                                     "' --message 0 --set 'nodes.2.storage={\"durable\":false}'",
                                 dir);
    ASSERT_EQ(lost.exit_code, 0) << lost.err;
    EXPECT_NE(lost.out.find("counted as lost"), std::string::npos) << lost.out;
}
