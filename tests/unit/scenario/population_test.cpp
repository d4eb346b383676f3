// Population blocks: the cities table, the expansion into users, devices and access links,
// its statistics (device counts, access mix, placement weights, churn) against the shares
// the scenario asks for, reproducibility, and errors with their JSON paths.
#include "sim/scenario/population.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_error.hpp"

namespace sim::scenario {
namespace {

using nlohmann::json;

/// Two routers ("a" in Paris, "b" in New York) and a server behind "a".
json base() {
    return json::parse(R"({
      "name": "pop", "seed": 5, "duration": "1h",
      "nodes": [
        {"id": "a", "kind": "router", "location": {"lat": 48.85, "lon": 2.35}},
        {"id": "b", "kind": "router", "location": {"lat": 40.71, "lon": -74.0}},
        {"id": "s", "kind": "server", "region": "eu"}
      ],
      "links": [
        {"from": "a", "to": "b", "latency": "30ms", "bandwidth": "10Gbps"},
        {"from": "a", "to": "s", "latency": "1ms", "bandwidth": "10Gbps"}
      ]
    })");
}

model::ModelSpec load(json population, json doc = base()) {
    doc["population"] = std::move(population);
    return load_scenario(std::move(doc), "pop.json");
}

/// Whether loading fails at `path` with a reason containing `words`.
void expect_error(json population, const std::string& path, const std::string& words,
                  json doc = base()) {
    try {
        load(std::move(population), std::move(doc));
        ADD_FAILURE() << "no error, expected one at " << path;
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.json_path(), path) << e.what();
        EXPECT_NE(e.reason().find(words), std::string::npos) << e.what();
    }
}

/// |x - expected| within z standard deviations of a binomial proportion over n trials.
void expect_share(double count, double n, double p, const std::string& what) {
    const double sd = std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(count, n * p, 5 * sd) << what;
}

TEST(Cities, ParsesQuotedFieldsAndNamesTheBadLine) {
    const auto cities = parse_cities(
        "name,latitude,longitude,population,continent\n"
        "\"Mianzhu, Deyang\",31.3,104.2,100,AS\n"
        "Paris,48.85,2.35,2000000,EU\n");
    ASSERT_EQ(cities.size(), 2u);
    EXPECT_EQ(cities[0].name, "Mianzhu, Deyang");
    EXPECT_EQ(cities[1].continent, "EU");
    EXPECT_DOUBLE_EQ(cities[1].population, 2000000);
    try {
        parse_cities("latitude,longitude,population\n1,2,3\n1,x,3\n");
        ADD_FAILURE() << "no error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse_cities("name,population\nx,1\n"), std::invalid_argument);
}

TEST(Cities, BuiltInTableIsTheSharedDataFileComplete) {
    // Count the rows of the source file independently: one record per line after the header.
    std::ifstream in(MSGSIM_SHARED_DIR "/data/geo/world-cities-geonames-pop100k.csv");
    ASSERT_TRUE(in) << "cannot read the shared cities file";
    std::string line;
    std::size_t rows = 0;
    std::getline(in, line);
    while (std::getline(in, line))
        rows += !line.empty();
    const auto cities = parse_cities(builtin_cities_csv());
    EXPECT_EQ(cities.size(), rows);
    std::map<std::string, std::size_t> per_continent;
    for (const City& c : cities)
        ++per_continent[c.continent];
    // SOURCES.md: AS 2833, EU 925, AF 802, NA 700, SA 644, OC 54, AN 2.
    EXPECT_EQ(per_continent["EU"], 925u);
    EXPECT_EQ(per_continent["OC"], 54u);
    EXPECT_EQ(cities.front().name, "Shanghai");
}

TEST(Population, ExpandsToUsersDevicesAndAccessLinksWithTheAskedShares) {
    const std::uint64_t n = 20000;
    const model::ModelSpec spec =
        load({{"users", n},
              {"devices", {{"1", 0.6}, {"2", 0.4}}},
              {"access", {{"wifi", 0.7}, {"lte", 0.3}}},
              {"placement", {{"over", "nodes"}, {"nodes", {"a", "b"}}, {"weights", {1, 3}}}}});
    ASSERT_EQ(spec.populations.size(), 1u);
    const model::PopulationRange& p = spec.populations[0];
    EXPECT_EQ(p.users, n);
    EXPECT_EQ(spec.users.size(), n);
    EXPECT_EQ(p.first_device, 3u);  // after a, b and s
    EXPECT_EQ(spec.nodes.size(), 3 + p.devices);
    EXPECT_EQ(spec.links.size(), 2 + p.devices);
    std::uint64_t two = 0, wifi = 0, at_b = 0;
    for (const model::UserSpec& u : spec.users) {
        two += u.devices.size() == 2;
        // All devices of a user live at the same place.
        for (net::NodeIndex d : u.devices)
            EXPECT_EQ(spec.links[p.first_link + (d - p.first_device)].b,
                      spec.links[p.first_link + (u.devices[0] - p.first_device)].b);
        at_b += spec.links[p.first_link + (u.devices[0] - p.first_device)].b == 1;
    }
    for (net::NodeIndex d = p.first_device; d < spec.nodes.size(); ++d) {
        const model::NodeSpec& node = spec.nodes[d];
        EXPECT_EQ(node.kind, net::NodeKind::Phone);
        wifi += node.access == "wifi";
        const net::LinkSpec& l = spec.links[p.first_link + (d - p.first_device)];
        EXPECT_EQ(l.a, d);
        EXPECT_EQ(l.profile, node.access);
    }
    EXPECT_EQ(p.devices, n + two);
    expect_share(static_cast<double>(two), n, 0.4, "users with two devices");
    expect_share(static_cast<double>(wifi), p.devices, 0.7, "wifi devices");
    expect_share(static_cast<double>(at_b), n, 0.75, "users at b (weight 3 of 4)");
    EXPECT_EQ(spec.users[17].id, "u17");
    EXPECT_EQ(spec.nodes[spec.users[17].devices[0]].id, "u17.0");
}

TEST(Population, CitiesAttachToTheNearestRouterWithTheirDistanceAsLatency) {
    const model::ModelSpec spec =
        load({{"users", 5000},
              {"access", "ethernet"},
              {"placement", {{"over", "cities"}, {"countries", {"FR", "US"}}}}});
    const model::PopulationRange& p = spec.populations[0];
    const auto cities = parse_cities(builtin_cities_csv());
    double fr = 0, us = 0;
    for (const City& c : cities) {
        if (c.feature == "PPLX") continue;
        if (c.country == "FR") fr += c.population;
        if (c.country == "US") us += c.population;
    }
    std::uint64_t in_paris_router = 0;
    for (std::uint32_t k = 0; k < p.devices; ++k) {
        const net::LinkSpec& l = spec.links[p.first_link + k];
        const model::NodeSpec& device = spec.nodes[l.a];
        ASSERT_TRUE(device.location.has_value());
        // French cities are nearer to Paris than to New York, American ones the reverse.
        const double to_a = net::great_circle_m(*device.location, *spec.nodes[0].location);
        const double to_b = net::great_circle_m(*device.location, *spec.nodes[1].location);
        EXPECT_EQ(l.b, to_a <= to_b ? 0u : 1u);
        // ethernet's latency plus fibre over the distance to the router.
        const double nearest = std::min(to_a, to_b);
        EXPECT_EQ(l.latency,
                  builtin_profiles().at("ethernet").latency.value() + net::fibre_delay(nearest));
        in_paris_router += l.b == 0;
    }
    expect_share(static_cast<double>(in_paris_router), p.devices, fr / (fr + us),
                 "users in French cities (population-weighted)");
}

TEST(Population, ChurnIsOfflineForItsShareOfTheTime) {
    const model::ModelSpec spec =
        load({{"users", 2000},
              {"presence",
               {{"online", {{"dist", "exponential"}, {"mean", "30min"}}},
                {"offline", {{"dist", "exponential"}, {"mean", "10min"}}}}}});
    double offline_s = 0;
    for (const model::PresenceSpec& ps : spec.presence) {
        Time last = kTimeZero;
        for (const auto& [from, to] : ps.offline) {
            EXPECT_LE(last, from);  // sorted, disjoint
            EXPECT_LT(from, to);
            // Only the last span may run past the end of the run.
            if (to > kTimeZero + spec.duration) {
                EXPECT_EQ(&ps.offline.back().second, &to);
            }
            offline_s += to_seconds(std::min(to, kTimeZero + spec.duration) - from);
            last = to;
        }
    }
    const double share = offline_s / (2000 * to_seconds(spec.duration));
    // Alternating renewal process: 10 / (30 + 10) of the time offline in the long run; over
    // one hour of 2000 devices the sampling error is well under 0.02.
    EXPECT_NEAR(share, 0.25, 0.02);
}

TEST(Population, TrafficBecomesOnePoissonStreamOverItsUsers) {
    const model::ModelSpec spec =
        load({{"users", 100},
              {"traffic", {{"rate", "6/h"}, {"size", "200B"}, {"to", "zipf"}, {"zipf", 1.2}}}});
    ASSERT_EQ(spec.poisson.size(), 1u);
    const model::PoissonSpec& ps = spec.poisson[0];
    EXPECT_EQ(ps.users.size(), 100u);
    EXPECT_TRUE(std::is_sorted(ps.users.begin(), ps.users.end()));
    EXPECT_EQ(ps.choice, model::RecipientChoice::Zipf);
    EXPECT_DOUBLE_EQ(ps.zipf_s, 1.2);
    EXPECT_NEAR(ps.rate_per_s, 6.0 / 3600, 1e-12);
    EXPECT_EQ(ps.pool_begin, 0u);
    EXPECT_EQ(ps.pool_end, 100u);
}

TEST(Population, SameSeedSameExpansionOtherSeedOther) {
    const json pop = {{"users", 300}, {"devices", {{"1", 0.5}, {"2", 0.5}}}};
    const auto fingerprint = [](const model::ModelSpec& s) {
        std::ostringstream out;
        for (const net::LinkSpec& l : s.links)
            out << l.a << '>' << l.b << ' ';
        return out.str();
    };
    const auto a = load(pop), b = load(pop);
    json other = base();
    other["seed"] = 6;
    const auto c = load(pop, other);
    EXPECT_EQ(fingerprint(a), fingerprint(b));
    EXPECT_NE(fingerprint(a), fingerprint(c));
}

TEST(Population, BadBlocksAreRefusedAtTheirPath) {
    expect_error({{"users", 0}}, "/population/users", "");
    expect_error({{"users", 10}, {"access", {{"wifi", 0.5}, {"lte", 0.4}}}}, "/population/access",
                 "sum to 1");
    expect_error({{"users", 10}, {"access", "wiffi"}}, "/population/access", "wifi");
    expect_error({{"users", 10}, {"devices", {{"one", 1.0}}}}, "/population/devices/one",
                 "whole number");
    expect_error({{"users", 10}, {"placement", {{"over", "nodes"}, {"nodes", {"s"}}}}},
                 "/population/placement/nodes/0", "not a router");
    expect_error({{"users", 10}, {"placement", {{"over", "cities"}, {"countries", {"XX"}}}}},
                 "/population/placement", "no city");
    expect_error({{"users", 10}, {"traffic", {{"rate", "1/h"}, {"contacts", 3}}}},
                 "/population/traffic/contacts", "\"to\": \"contacts\"");
    expect_error({{"users", 10}, {"presence", {{"online", "1us"}, {"offline", "1us"}}}},
                 "/population/presence", "offline about");
    json with_u3 = base();
    with_u3["nodes"].push_back({{"id", "u3"}, {"kind", "router"}});
    with_u3["links"].push_back({{"from", "u3"}, {"to", "a"}, {"latency", "1ms"}});
    expect_error({{"users", 10}}, "/population/prefix", "already the id", with_u3);
    expect_error(json::array({{{"users", 10}}, {{"users", 10}, {"prefix", "u2"}}}),
                 "/population/1/prefix", "could collide");
    // 10^8 users need about 150 GiB: no machine this runs on has that much memory.
    expect_error({{"users", 100'000'000}}, "/population/users", "too large");
}

}  // namespace
}  // namespace sim::scenario
