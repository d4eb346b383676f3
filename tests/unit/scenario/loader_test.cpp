// The scenario loader: the SPEC example loads completely, overrides and defaults apply, and
// errors name the file, the JSON path and the reason.
#include "sim/scenario/loader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "sim/scenario/profiles.hpp"

namespace sim::scenario {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kExample = MSGSIM_SHARED_DIR "/examples/spec-example.json";

/// The node index of `id`.
net::NodeIndex node(const model::ModelSpec& spec, const std::string& id) {
    for (net::NodeIndex i = 0; i < spec.nodes.size(); ++i) {
        if (spec.nodes[i].id == id) return i;
    }
    ADD_FAILURE() << "no node " << id;
    return net::kNoNode;
}

/// The link between `a` and `b` (either orientation).
const net::LinkSpec& link(const model::ModelSpec& spec, const std::string& a,
                          const std::string& b) {
    const net::NodeIndex x = node(spec, a);
    const net::NodeIndex y = node(spec, b);
    for (const net::LinkSpec& l : spec.links) {
        if ((l.a == x && l.b == y) || (l.a == y && l.b == x)) return l;
    }
    ADD_FAILURE() << "no link " << a << "-" << b;
    return spec.links.front();
}

/// Haversine distance, written out independently of sim::net.
double haversine_m(double lat1, double lon1, double lat2, double lon2) {
    const double r = 6'371'008.8;
    const double rad = std::numbers::pi / 180;
    const double a = std::pow(std::sin((lat2 - lat1) * rad / 2), 2) +
                     std::cos(lat1 * rad) * std::cos(lat2 * rad) *
                         std::pow(std::sin((lon2 - lon1) * rad / 2), 2);
    return 2 * r * std::atan2(std::sqrt(a), std::sqrt(1 - a));
}

/// A small valid scenario: two phones on one router, one server.
json minimal() {
    return json::parse(R"({
      "name": "minimal",
      "nodes": [
        {"id": "a-phone", "kind": "phone", "user": "alice", "access": "lte"},
        {"id": "b-phone", "kind": "phone", "user": "bob", "access": "wifi"},
        {"id": "r1", "kind": "router"},
        {"id": "srv", "kind": "server"}
      ],
      "links": [
        {"from": "a-phone", "to": "r1"},
        {"from": "b-phone", "to": "r1"},
        {"from": "r1", "to": "srv", "latency": "2ms"}
      ]
    })");
}

/// The ScenarioError that loading `doc` throws.
ScenarioError error_of(const json& doc, const std::vector<std::string>& overrides = {}) {
    try {
        load_scenario(doc, "test.json", overrides);
    } catch (const ScenarioError& e) {
        return e;
    }
    ADD_FAILURE() << "no ScenarioError";
    return ScenarioError("", "", "");
}

TEST(LoadScenario, LoadsTheSpecExampleCompletely) {
    const model::ModelSpec spec = load_scenario_file(kExample);
    EXPECT_EQ(spec.name, "alice-to-bob");
    EXPECT_FALSE(spec.description.empty());
    EXPECT_EQ(spec.seed, 1u);
    EXPECT_EQ(spec.duration, 60s);
    ASSERT_EQ(spec.nodes.size(), 6u);
    ASSERT_EQ(spec.links.size(), 6u);

    const model::NodeSpec& laptop = spec.nodes[node(spec, "bob-laptop")];
    EXPECT_EQ(laptop.kind, net::NodeKind::Phone);
    EXPECT_EQ(laptop.type, "laptop");
    EXPECT_EQ(laptop.access, "wifi");
    EXPECT_EQ(spec.nodes[node(spec, "alice-phone")].type, "phone");
    EXPECT_EQ(spec.nodes[node(spec, "r1")].kind, net::NodeKind::Router);

    const model::NodeSpec& server = spec.nodes[node(spec, "eu-west")];
    EXPECT_EQ(server.kind, net::NodeKind::Server);
    EXPECT_EQ(server.region, "eu");
    EXPECT_EQ(server.server.workers, 4u);
    EXPECT_EQ(server.server.service_time.kind(), Distribution::Kind::Exponential);
    EXPECT_EQ(server.server.service_time.param_a(), 200'000);
    EXPECT_EQ(server.server.queue_capacity, 10'000u);
    EXPECT_EQ(server.server.storage_capacity, 1'000'000u);
    EXPECT_EQ(server.server.storage_ttl, 30 * 24h);
    ASSERT_TRUE(server.location.has_value());
    EXPECT_EQ(server.location->lat, 50.11);

    // The scenario's wifi profile overrides the built-in one; its queue stays built-in.
    const net::LinkSpec& alice = link(spec, "alice-phone", "r1");
    EXPECT_EQ(alice.profile, "wifi");
    EXPECT_EQ(alice.latency, 4ms);
    EXPECT_EQ(alice.bandwidth_bps, 50'000'000u);
    EXPECT_EQ(alice.loss.model, net::LossSpec::Model::Bernoulli);
    EXPECT_EQ(alice.loss.p, 0.01);
    EXPECT_EQ(alice.queue.capacity, builtin_profiles().at("wifi").queue->capacity);
    // bob's phone uses the built-in lte profile throughout.
    const AccessProfile& lte = builtin_profiles().at("lte");
    const net::LinkSpec& bob = link(spec, "bob-phone", "r2");
    EXPECT_EQ(bob.latency, *lte.latency);
    EXPECT_EQ(bob.bandwidth_bps, *lte.bandwidth_bps);
    EXPECT_EQ(bob.loss.p, lte.loss->p);

    const net::LinkSpec& core = link(spec, "r1", "eu-west");
    const double metres = haversine_m(48.85, 2.35, 50.11, 8.68);
    const double expected_ns = metres / (299'792'458.0 * 2 / 3) * 1e9;
    EXPECT_NEAR(static_cast<double>(core.latency.count()), expected_ns, 1000.0);
    EXPECT_GT(core.latency, 2ms);  // ~480 km of fibre
    EXPECT_EQ(core.bandwidth_bps, 1'000'000'000u);
    EXPECT_EQ(core.queue.unit, net::QueueSpec::Unit::Bytes);
    EXPECT_EQ(core.queue.capacity, 256u * 1024);
    EXPECT_EQ(core.loss.model, net::LossSpec::Model::GilbertElliott);
    EXPECT_EQ(core.loss.p_good_bad, 0.01);
    EXPECT_EQ(core.loss.p_bad_good, 0.3);
    EXPECT_EQ(core.loss.loss_good, 0.0);
    EXPECT_EQ(core.loss.loss_bad, 0.5);
    EXPECT_EQ(link(spec, "r1", "r2").bandwidth_bps, 10'000'000'000u);
    EXPECT_EQ(link(spec, "r1", "r2").queue.capacity, 1u << 20);  // default

    ASSERT_EQ(spec.users.size(), 2u);
    EXPECT_EQ(spec.users[0].id, "alice");
    EXPECT_EQ(spec.users[1].id, "bob");
    EXPECT_EQ(spec.users[0].devices, std::vector<net::NodeIndex>{node(spec, "alice-phone")});
    EXPECT_EQ(spec.users[1].devices,
              (std::vector<net::NodeIndex>{node(spec, "bob-phone"), node(spec, "bob-laptop")}));
    EXPECT_EQ(spec.users[1].read_delay.kind(), Distribution::Kind::Exponential);
    EXPECT_EQ(spec.users[1].read_delay.param_a(), 20e9);
    EXPECT_TRUE(spec.users[0].read_delay.is_zero());
    EXPECT_EQ(laptop.user, 1u);

    ASSERT_EQ(spec.presence.size(), 1u);
    EXPECT_EQ(spec.presence[0].device, node(spec, "bob-phone"));
    ASSERT_EQ(spec.presence[0].offline.size(), 1u);
    EXPECT_EQ(spec.presence[0].offline[0].first, kTimeZero);
    EXPECT_EQ(spec.presence[0].offline[0].second, Time{30s});

    const model::ProtocolSpec& p = spec.protocol;
    EXPECT_EQ(p.mtu, 1400u);
    EXPECT_EQ(p.header, 52u);
    EXPECT_EQ(p.compression[0], 0.6);
    EXPECT_EQ(p.compression[1], 0.95);
    EXPECT_EQ(p.compression[2], 0.98);  // default
    EXPECT_EQ(p.encryption_overhead, 64u);
    EXPECT_TRUE(p.processing.encode.is_zero());
    EXPECT_EQ(p.processing.compress.param_a(), 20'000);
    EXPECT_EQ(p.processing.notify.param_a(), 100e6);
    EXPECT_EQ(p.transport.rto, 250ms);
    EXPECT_EQ(p.transport.backoff, 2.0);
    EXPECT_EQ(p.transport.max_retries, 6u);
    EXPECT_TRUE(p.delivered_receipts);
    EXPECT_TRUE(p.read_receipts);

    EXPECT_EQ(spec.routing.policy, "shortest-path");
    EXPECT_EQ(spec.routing.server_selection, "nearest");
    EXPECT_EQ(spec.routing.update_interval, 100ms);

    ASSERT_EQ(spec.messages.size(), 1u);
    EXPECT_EQ(spec.messages[0].at, Time{1s});
    EXPECT_EQ(spec.messages[0].from, 0u);
    EXPECT_EQ(spec.messages[0].to, 1u);
    EXPECT_EQ(spec.messages[0].content, model::Content::Text);
    EXPECT_EQ(spec.messages[0].size_bytes, 5u);
    ASSERT_EQ(spec.poisson.size(), 1u);
    EXPECT_EQ(spec.poisson[0].users, (std::vector<model::UserIndex>{0, 1}));
    EXPECT_DOUBLE_EQ(spec.poisson[0].rate_per_s, 2.0 / 60);
    EXPECT_EQ(spec.poisson[0].to, model::kNoUser);
    EXPECT_EQ(spec.poisson[0].size.kind(), Distribution::Kind::Lognormal);
    EXPECT_EQ(spec.poisson[0].size.param_a(), 120);
    EXPECT_EQ(spec.poisson[0].size.param_b(), 1.0);
    EXPECT_EQ(spec.poisson[0].start, kTimeZero);
    EXPECT_EQ(spec.poisson[0].stop, Time{50s});

    ASSERT_EQ(spec.faults.size(), 2u);
    ASSERT_TRUE(spec.faults[0].link.has_value());
    EXPECT_EQ(&spec.links[*spec.faults[0].link], &core);
    EXPECT_EQ(spec.faults[0].at, Time{10s});
    EXPECT_EQ(spec.faults[0].down_for, 5s);
    EXPECT_EQ(spec.faults[1].node, node(spec, "eu-west"));
    EXPECT_FALSE(spec.faults[1].link.has_value());

    EXPECT_EQ(spec.trace, model::TraceLevel::Messages);
    ASSERT_EQ(spec.expect.size(), 2u);
    EXPECT_EQ(spec.expect[0].metric, "latency_ms.p99");
    EXPECT_EQ(spec.expect[0].max, 60000.0);
    EXPECT_FALSE(spec.expect[0].min.has_value());
    EXPECT_EQ(spec.expect[1].equals, 0.0);
    EXPECT_EQ(spec.expect[1].where, "/expect/1");
}

TEST(LoadScenario, AppliesOverrides) {
    const model::ModelSpec spec =
        load_scenario_file(kExample, {"routing.policy=ecmp", "links.0.loss=0.02", "seed=7",
                                      "duration=30", "output.trace=\"none\""});
    EXPECT_EQ(spec.routing.policy, "ecmp");
    EXPECT_EQ(spec.links[0].loss.model, net::LossSpec::Model::Bernoulli);
    EXPECT_EQ(spec.links[0].loss.p, 0.02);
    EXPECT_EQ(spec.seed, 7u);
    EXPECT_EQ(spec.duration, 30s);
    EXPECT_EQ(spec.trace, model::TraceLevel::None);
}

TEST(LoadScenario, OverridesCreateMissingKnownObjects) {
    const model::ModelSpec spec =
        load_scenario(minimal(), "m.json", {"routing.policy=min-hop", "protocol.transport.rto=1s"});
    EXPECT_EQ(spec.routing.policy, "min-hop");
    EXPECT_EQ(spec.protocol.transport.rto, 1s);
}

TEST(LoadScenario, RejectsBadOverrides) {
    const ScenarioError range = error_of(minimal(), {"links.9.loss=0.1"});
    EXPECT_EQ(range.json_path(), "--set links.9.loss");
    EXPECT_NE(range.reason().find("out of range"), std::string::npos);
    EXPECT_EQ(error_of(minimal(), {"name.x=1"}).json_path(), "--set name.x");
    EXPECT_EQ(error_of(minimal(), {"links.first.loss=1"}).json_path(), "--set links.first.loss");
    EXPECT_EQ(error_of(minimal(), {"seed"}).json_path(), "--set seed");
    EXPECT_EQ(error_of(minimal(), {"links..loss=1"}).json_path(), "--set links..loss");

    // A typo in a created key is caught by validation, which says where the value came from.
    const ScenarioError typo = error_of(minimal(), {"routing.polcy=ecmp"});
    EXPECT_EQ(typo.json_path(), "/routing/polcy");
    EXPECT_NE(typo.reason().find("did you mean \"policy\"?"), std::string::npos);
    EXPECT_NE(typo.reason().find("(set by --set routing.polcy=ecmp)"), std::string::npos);
    const ScenarioError value = error_of(minimal(), {"routing.policy=fastest"});
    EXPECT_EQ(value.json_path(), "/routing/policy");
    EXPECT_NE(value.reason().find("set by --set"), std::string::npos);
}

TEST(LoadScenario, FillsDefaults) {
    const model::ModelSpec spec = load_scenario(minimal(), "m.json");
    EXPECT_EQ(spec.seed, 1u);
    EXPECT_EQ(spec.duration, 60s);
    EXPECT_EQ(spec.trace, model::TraceLevel::Messages);
    EXPECT_EQ(spec.routing.policy, "shortest-path");
    EXPECT_EQ(spec.protocol.mtu, 1400u);
    EXPECT_TRUE(spec.messages.empty());
    // A phone link without a profile takes the phone's access profile.
    const AccessProfile& lte = builtin_profiles().at("lte");
    EXPECT_EQ(spec.links[0].profile, "lte");
    EXPECT_EQ(spec.links[0].latency, *lte.latency);
    EXPECT_EQ(spec.links[0].bandwidth_bps, *lte.bandwidth_bps);
    EXPECT_EQ(spec.links[0].queue.capacity, lte.queue->capacity);
    // A router-server link: explicit latency, default bandwidth, queue and loss.
    EXPECT_EQ(spec.links[2].latency, 2ms);
    EXPECT_EQ(spec.links[2].bandwidth_bps, 1'000'000'000u);
    EXPECT_EQ(spec.links[2].queue.capacity, 1u << 20);
    EXPECT_EQ(spec.links[2].loss.model, net::LossSpec::Model::None);
    const model::NodeSpec& srv = spec.nodes[3];
    EXPECT_EQ(srv.server.workers, 1u);
    EXPECT_TRUE(srv.server.service_time.is_zero());
}

TEST(LoadScenario, ProfilesOverrideBuiltInsFieldByField) {
    json doc = minimal();
    doc["profiles"] = {{"lte", {{"latency", "30ms"}}},
                       {"sat", {{"latency", "300ms"}, {"bandwidth", "5Mbps"}}}};
    doc["links"][1]["profile"] = "sat";
    const model::ModelSpec spec = load_scenario(doc, "m.json");
    EXPECT_EQ(spec.links[0].latency, 30ms);
    EXPECT_EQ(spec.links[0].bandwidth_bps, *builtin_profiles().at("lte").bandwidth_bps);
    // A new profile's missing fields fall through to the phone's access profile (wifi).
    EXPECT_EQ(spec.links[1].profile, "sat");
    EXPECT_EQ(spec.links[1].latency, 300ms);
    EXPECT_EQ(spec.links[1].bandwidth_bps, 5'000'000u);
    EXPECT_EQ(spec.links[1].loss.p, builtin_profiles().at("wifi").loss->p);
}

TEST(LoadScenario, BuiltInProfilesAreComplete) {
    for (const char* name : {"wifi", "lte", "5g", "3g", "ethernet"}) {
        const AccessProfile& p = builtin_profiles().at(name);
        EXPECT_TRUE(p.latency && p.bandwidth_bps && p.loss && p.queue) << name;
    }
}

TEST(LoadScenario, UsersCanListUnclaimedPhones) {
    json doc = minimal();
    doc["nodes"][1].erase("user");
    doc["nodes"].push_back({{"id", "b-laptop"}, {"kind", "phone"}, {"type", "laptop"}});
    doc["links"].push_back({{"from", "b-laptop"}, {"to", "r1"}, {"profile", "ethernet"}});
    doc["users"] = {{{"id", "bob"}, {"devices", {"b-laptop", "b-phone"}}}};
    const model::ModelSpec spec = load_scenario(doc, "m.json");
    ASSERT_EQ(spec.users.size(), 2u);
    EXPECT_EQ(spec.users[1].id, "bob");
    EXPECT_EQ(spec.users[1].devices, (std::vector<net::NodeIndex>{4, 1}));
    EXPECT_EQ(spec.nodes[4].user, 1u);
    EXPECT_EQ(spec.nodes[4].access, "ethernet");  // from its link's profile
}

TEST(LoadScenario, TextSizeIsItsUtf8ByteLength) {
    json doc = minimal();
    doc["traffic"] = {
        {{"at", "1s"}, {"from", "alice"}, {"to", "bob"}, {"text", "h\u00e9\u263a"}},
        {{"at", "2s"}, {"from", "bob"}, {"to", "alice"}, {"type", "image"}, {"size", "2MB"}}};
    const model::ModelSpec spec = load_scenario(doc, "m.json");
    EXPECT_EQ(spec.messages[0].size_bytes, 6u);  // 1 + 2 + 3 bytes
    EXPECT_EQ(spec.messages[1].content, model::Content::Image);
    EXPECT_EQ(spec.messages[1].size_bytes, 2'000'000u);
}

TEST(ScenarioError, NamesFilePathAndReason) {
    const ScenarioError e("x.json", "/links/3/latency", "bad");
    EXPECT_STREQ(e.what(), "x.json: /links/3/latency: bad");
    EXPECT_STREQ(ScenarioError("x.json", "", "empty").what(), "x.json: empty");

    json doc = minimal();
    doc["links"][2]["latency"] = "5 parsecs";
    const ScenarioError bad = error_of(doc);
    EXPECT_EQ(bad.file(), "test.json");
    EXPECT_EQ(bad.json_path(), "/links/2/latency");
    EXPECT_EQ(
        std::string(bad.what())
            .rfind(
                "test.json: /links/2/latency: expected a duration like \"5ms\", got \"5 parsecs\"",
                0),
        0u);
}

TEST(LoadScenarioFile, ReportsUnreadableFiles) {
    try {
        load_scenario_file("/nonexistent/x.json");
        FAIL();
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.json_path(), "");
        EXPECT_NE(e.reason().find("cannot read"), std::string::npos);
    }
    try {
        load_scenario_file(MSGSIM_SOURCE_DIR "/tests");
        FAIL();
    } catch (const ScenarioError& e) {
        EXPECT_NE(e.reason().find("directory"), std::string::npos);
    }
}

TEST(LoadScenarioFile, EscapesJsonPointerCharacters) {
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / "msgsim_loader_test_escape.json";
    std::ofstream(file) << R"({"name": "x", "a/b~c": 1})";
    try {
        load_scenario_file(file);
        FAIL();
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.json_path(), "/a~1b~0c");
    }
    std::filesystem::remove(file);
}

/// The ScenarioError that loading the file with `text` throws.
ScenarioError file_error_of(const std::string& text) {
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / "msgsim_loader_test.json";
    std::ofstream(file, std::ios::binary) << text;
    try {
        load_scenario_file(file);
    } catch (const ScenarioError& e) {
        std::filesystem::remove(file);
        return e;
    }
    std::filesystem::remove(file);
    ADD_FAILURE() << "no ScenarioError";
    return ScenarioError("", "", "");
}

TEST(LoadScenarioFile, FindsDuplicateKeysBehindNestedArrays) {
    const ScenarioError e = file_error_of(
        R"({"name": "x", "presence": [[1, [2, 3]], {"a": [1]}, {"offline": [], "offline": []}]})");
    EXPECT_EQ(e.json_path(), "/presence/2/offline");
    EXPECT_NE(e.reason().find("duplicate key \"offline\""), std::string::npos);
}

TEST(LoadScenarioFile, NamesLineAndColumnOfSyntaxErrors) {
    const ScenarioError e = file_error_of("{\n  \"name\": \"x\",\n  \"seed\": 1 2\n}");
    EXPECT_EQ(e.json_path(), "");
    EXPECT_NE(e.reason().find("invalid JSON at line 3, column 13"), std::string::npos) << e.what();
}

TEST(LoadScenario, AcceptsDescriptionsOnEntries) {
    json doc = minimal();
    doc["comment"] = "top";
    doc["nodes"][0]["description"] = "alice's phone";
    doc["links"][0]["comment"] = "radio";
    doc["users"] = {{{"id", "bob"}, {"description", "the recipient"}}};
    doc["traffic"] = {
        {{"at", 1}, {"from", "alice"}, {"to", "bob"}, {"text", "x"}, {"description", "first"}}};
    doc["faults"] = {{{"at", 2}, {"node", "r1"}, {"down_for", 1}, {"comment", "blip"}}};
    EXPECT_NO_THROW(load_scenario(doc, "m.json"));
    doc["nodes"][0]["description"] = 3;
    EXPECT_EQ(error_of(doc).json_path(), "/nodes/0/description");
}

TEST(LoadScenario, GilbertElliottLossBadDefaultsToOne) {
    json doc = minimal();
    doc["links"][2]["loss"] = {
        {"model", "gilbert-elliott"}, {"p_good_bad", 0.1}, {"p_bad_good", 0.5}};
    const model::ModelSpec spec = load_scenario(doc, "m.json");
    EXPECT_EQ(spec.links[2].loss.loss_good, 0.0);
    EXPECT_EQ(spec.links[2].loss.loss_bad, 1.0);
    doc["links"][2]["loss"] = {{"model", "bernoulli"}, {"p", 0.25}};
    EXPECT_EQ(load_scenario(doc, "m.json").links[2].loss.p, 0.25);
}

TEST(LoadScenario, GilbertElliottCanBeGivenAsLossRateAndBurstLength) {
    json doc = minimal();
    doc["links"][2]["loss"] = {
        {"model", "gilbert-elliott"}, {"loss_rate", 0.05}, {"burst_length", 4}};
    const net::LossSpec loss = load_scenario(doc, "m.json").links[2].loss;
    // Bursts of mean 1 / p_bad_good = 4 packets; stationary bad share = the loss rate.
    EXPECT_DOUBLE_EQ(loss.p_bad_good, 0.25);
    EXPECT_DOUBLE_EQ(loss.p_good_bad / (loss.p_good_bad + loss.p_bad_good), 0.05);
    EXPECT_EQ(loss.loss_good, 0.0);
    EXPECT_EQ(loss.loss_bad, 1.0);
    doc["links"][2]["loss"]["p_bad_good"] = 0.5;  // both forms at once
    EXPECT_EQ(error_of(doc).json_path(), "/links/2/loss/p_bad_good");
    doc["links"][2]["loss"] = {
        {"model", "gilbert-elliott"}, {"loss_rate", 0.05}, {"burst_length", 0.5}};
    EXPECT_EQ(error_of(doc).json_path(), "/links/2/loss/burst_length");
}

TEST(LoadScenario, AUserListMustNameAllItsPhones) {
    json doc = minimal();
    doc["nodes"].push_back({{"id", "b-laptop"}, {"kind", "phone"}, {"user", "bob"}});
    doc["links"].push_back({{"from", "b-laptop"}, {"to", "r1"}, {"profile", "wifi"}});
    doc["users"] = {{{"id", "bob"}, {"devices", {"b-laptop"}}}};
    const ScenarioError e = error_of(doc);
    EXPECT_EQ(e.json_path(), "/users/0/devices");
    EXPECT_NE(e.reason().find("does not list \"b-phone\""), std::string::npos);
}

TEST(LoadScenario, PoissonRandomRecipientNeedsTwoUsers) {
    json doc = minimal();
    doc["traffic"] = {{{"pattern", "poisson"},
                       {"users", {"alice"}},
                       {"rate", "1/s"},
                       {"size", "10B"},
                       {"stop", "5s"}}};
    const model::ModelSpec spec = load_scenario(doc, "m.json");
    EXPECT_EQ(spec.poisson[0].users, std::vector<model::UserIndex>{0});
    EXPECT_EQ(spec.poisson[0].stop, Time{5s});
    doc["nodes"][1]["user"] = "alice";
    EXPECT_EQ(error_of(doc).json_path(), "/traffic/0/users");
}

}  // namespace
}  // namespace sim::scenario
