// "import" and "generate" blocks: the shipped Topology Zoo files import with the expected
// sizes, "auto" latency matches a great-circle computation done here, the dataset's quirks
// get their documented defaults, generated topologies are reproducible, and bad input is a
// ScenarioError at the right JSON path.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <set>
#include <sstream>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/topology_import.hpp"

namespace sim::scenario {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::filesystem::path kScenarios = MSGSIM_SOURCE_DIR "/scenarios";

TopologyPart import_file(const std::string& file, json extra = json::object()) {
    extra["file"] = file;
    return read_import(extra, "/import", kScenarios);
}

const model::NodeSpec& node(const TopologyPart& part, const std::string& id) {
    for (const model::NodeSpec& n : part.nodes) {
        if (n.id == id) return n;
    }
    ADD_FAILURE() << "no node " << id;
    return part.nodes.front();
}

const net::LinkSpec* link(const TopologyPart& part, const std::string& a, const std::string& b) {
    for (const net::LinkSpec& l : part.links) {
        const std::string& x = part.nodes[l.a].id;
        const std::string& y = part.nodes[l.b].id;
        if ((x == a && y == b) || (x == b && y == a)) return &l;
    }
    return nullptr;
}

/// Haversine on the IUGG mean radius and 2/3 c, written out here independently of
/// net::great_circle_m, in ns.
double expected_auto_ns(double lat1, double lon1, double lat2, double lon2) {
    const double r = std::numbers::pi / 180;
    const double a =
        std::pow(std::sin((lat2 - lat1) * r / 2), 2) +
        std::cos(lat1 * r) * std::cos(lat2 * r) * std::pow(std::sin((lon2 - lon1) * r / 2), 2);
    const double metres = 2 * 6'371'008.8 * std::atan2(std::sqrt(a), std::sqrt(1 - a));
    return metres / (299'792'458.0 * 2 / 3) * 1e9;
}

// Expected sizes, counted independently of msgsim with Python's xml.etree over each file:
// nodes = number of <node> elements; links = distinct unordered {source, target} pairs of
// the <edge> elements with source != target (the importer merges parallel edges and drops
// self-loops). They agree with SOURCES.md (nodes, edges, "parallel" column):
//   Abilene   11 nodes, 14 edges, 0 parallel           -> 14 links
//   Geant2012 40 nodes, 61 edges, 0 parallel           -> 61 links, 3 nodes unlocated
//   Cogentco 197 nodes, 245 edges, 2 parallel          -> 243 links, 11 nodes unlocated
struct Expected {
    std::string file;
    std::size_t nodes, links, unlocated;
};

class ShippedTopology : public ::testing::TestWithParam<Expected> {};

TEST_P(ShippedTopology, ImportsWithTheCountedNodesAndLinks) {
    const Expected& e = GetParam();
    const TopologyPart part = import_file("topologies/" + e.file);
    EXPECT_EQ(part.nodes.size(), e.nodes);
    EXPECT_EQ(part.links.size(), e.links);
    std::set<std::string> ids;
    std::size_t unlocated = 0;
    for (const model::NodeSpec& n : part.nodes) {
        EXPECT_EQ(n.kind, net::NodeKind::Router);
        EXPECT_EQ(n.id.find(' '), std::string::npos) << n.id;
        ids.insert(n.id);
        unlocated += n.location ? 0 : 1;
    }
    EXPECT_EQ(ids.size(), e.nodes) << "ids must be unique";
    EXPECT_EQ(unlocated, e.unlocated);
    std::set<std::pair<net::NodeIndex, net::NodeIndex>> pairs;
    for (const net::LinkSpec& l : part.links) {
        EXPECT_NE(l.a, l.b);
        EXPECT_TRUE(pairs.insert(std::minmax(l.a, l.b)).second);
        EXPECT_GT(l.bandwidth_bps, 0U);
    }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ShippedTopology,
                         ::testing::Values(Expected{"Abilene.graphml", 11, 14, 0},
                                           Expected{"Geant2012.graphml", 40, 61, 3},
                                           Expected{"Cogentco.graphml", 197, 243, 11}),
                         [](const auto& info) {
                             return info.param.file.substr(0, info.param.file.find('.'));
                         });

TEST(Import, AutoLatencyIsTheGreatCircleAtTwoThirdsC) {
    const TopologyPart abilene = import_file("topologies/Abilene.graphml");
    // New York (40.71427, -74.00597) - Chicago (41.85003, -87.65005), from the file.
    const net::LinkSpec* ny_chi = link(abilene, "New-York", "Chicago");
    ASSERT_NE(ny_chi, nullptr);
    const double ns = expected_auto_ns(40.71427, -74.00597, 41.85003, -87.65005);
    EXPECT_NEAR(static_cast<double>(ny_chi->latency.count()), ns, 1.0);
    EXPECT_NEAR(ns / 1e6, 5.73, 0.01);  // about 1146 km: a plausibility check of the formula

    // GEANT: London (UK) - Paris (FR), about 344 km, so about 1.72 ms.
    const TopologyPart geant = import_file("topologies/Geant2012.graphml");
    const net::LinkSpec* uk_fr = link(geant, "UK", "FR");
    ASSERT_NE(uk_fr, nullptr);
    const double ns2 = expected_auto_ns(51.50853, -0.12574, 48.85341, 2.3488);
    EXPECT_NEAR(static_cast<double>(uk_fr->latency.count()), ns2, 1.0);
    EXPECT_NEAR(ns2 / 1e6, 1.72, 0.01);

    // Inflation scales it.
    const TopologyPart inflated = import_file("topologies/Geant2012.graphml", {{"inflation", 1.5}});
    EXPECT_NEAR(static_cast<double>(link(inflated, "UK", "FR")->latency.count()), ns2 * 1.5, 1.0);
}

TEST(Import, SpeedsLocationsAndDefaultsOfGeant) {
    const TopologyPart geant = import_file("topologies/Geant2012.graphml",
                                           {{"bandwidth", "40Gbps"}, {"prefix", "geant-"}});
    // Edge 0-34 (NL-UK) carries LinkSpeedRaw 2500000000.0.
    const net::LinkSpec* nl_uk = link(geant, "geant-NL", "geant-UK");
    ASSERT_NE(nl_uk, nullptr);
    EXPECT_EQ(nl_uk->bandwidth_bps, 2'500'000'000U);
    // Edge 0-1 (NL-BE) has no speed: the block's bandwidth.
    EXPECT_EQ(link(geant, "geant-NL", "geant-BE")->bandwidth_bps, 40'000'000'000U);
    // UA has no coordinates: kept, without location, its link at the fallback latency.
    EXPECT_FALSE(node(geant, "geant-UA").location.has_value());
    ASSERT_TRUE(node(geant, "geant-UK").location.has_value());
    EXPECT_DOUBLE_EQ(node(geant, "geant-UK").location->lat, 51.50853);
    std::size_t fallback = 0;
    for (const net::LinkSpec& l : geant.links) {
        if (!geant.nodes[l.a].location || !geant.nodes[l.b].location) {
            EXPECT_EQ(l.latency, 1ms);
            ++fallback;
        }
    }
    EXPECT_EQ(fallback, 3U);  // UA, MD and BY have one link each
    bool warned = false;
    for (const std::string& w : geant.warnings) {
        warned |= w.find("3 links without coordinates got latency 1ms") != std::string::npos;
    }
    EXPECT_TRUE(warned);
}

TEST(Import, CogentcoDuplicateLabelsGetSuffixes) {
    const TopologyPart cogent = import_file("topologies/Cogentco.graphml");
    // Its 11 switch nodes are all labelled "None" (SOURCES.md): None, None-2 ... None-11.
    std::size_t none = 0;
    for (const model::NodeSpec& n : cogent.nodes) {
        none += n.id == "None" || n.id.starts_with("None-") ? 1 : 0;
    }
    EXPECT_EQ(none, 11U);
    node(cogent, "None-11");
}

// --- the quirks, on a small file written here -------------------------------------------

class TempDir {
public:
    TempDir() {
        path_ = std::filesystem::temp_directory_path() /
                ("msgsim-import-test-" +
                 std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name, std::ios::binary) << text;
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

// Key ids chosen unlike the Zoo's to show they are resolved by attr.name; Latitude is
// declared as a string, as some writers do.
const char* const kQuirky = R"(<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="k1"/>
  <key attr.name="Latitude" attr.type="string" for="node" id="k2"/>
  <key attr.name="Longitude" attr.type="double" for="node" id="k3"/>
  <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="k4"/>
  <graph edgedefault="undirected">
    <node id="0"><data key="k1">New  York </data><data key="k2">40.71427</data><data key="k3">-74.00597</data></node>
    <node id="1"><data key="k1">New York</data><data key="k2">41.85003</data><data key="k3">-87.65005</data></node>
    <node id="2"/>
    <node id="3"><data key="k1">Lonely</data></node>
    <edge source="0" target="1"><data key="k4">1000000000.0</data></edge>
    <edge source="1" target="0"><data key="k4">2500000000.0</data></edge>
    <edge source="1" target="0"/>
    <edge source="1" target="1"/>
    <edge source="1" target="2"/>
  </graph>
</graphml>
)";

TEST(Import, QuirksGetTheDocumentedDefaults) {
    const TempDir dir;
    dir.write("q.graphml", kQuirky);
    const TopologyPart part =
        read_import({{"file", "q.graphml"}, {"fallback_latency", "7ms"}, {"bandwidth", "2Mbps"}},
                    "/import", dir.path());
    ASSERT_EQ(part.nodes.size(), 4U);
    EXPECT_EQ(part.nodes[0].id, "New-York");
    EXPECT_EQ(part.nodes[1].id, "New-York-2");
    EXPECT_EQ(part.nodes[2].id, "n2");
    EXPECT_EQ(part.nodes[3].id, "Lonely");
    EXPECT_FALSE(part.nodes[3].location.has_value());  // a Latitude without Longitude
    ASSERT_EQ(part.links.size(), 2U);  // three parallel edges merged, the self-loop dropped
    EXPECT_EQ(part.links[0].bandwidth_bps, 2'500'000'000U);  // the fastest of the parallels
    EXPECT_NEAR(static_cast<double>(part.links[0].latency.count()),
                expected_auto_ns(40.71427, -74.00597, 41.85003, -87.65005), 1.0);
    EXPECT_EQ(part.links[1].latency, 7ms);  // n2 has no coordinates
    EXPECT_EQ(part.links[1].bandwidth_bps, 2'000'000U);
    std::string all;
    for (const std::string& w : part.warnings) {
        all += w + "\n";
    }
    EXPECT_NE(all.find("1 duplicate label made unique"), std::string::npos) << all;
    EXPECT_NE(all.find("2 parallel edges merged"), std::string::npos) << all;
    EXPECT_NE(all.find("1 self-loop dropped"), std::string::npos) << all;
    EXPECT_NE(all.find("1 link without coordinates got latency 7ms"), std::string::npos) << all;
    EXPECT_NE(all.find("2 connected components"), std::string::npos) << all;
}

// --- through the loader --------------------------------------------------------------------

/// A scenario importing Geant2012 with a server at London and two phones.
json geant_scenario() {
    return json::parse(R"({
      "name": "geant-test",
      "import": {"format": "graphml", "file": "topologies/Geant2012.graphml"},
      "nodes": [
        {"id": "srv", "kind": "server", "location": {"lat": 51.5, "lon": -0.12}},
        {"id": "p1", "kind": "phone", "user": "a", "access": "wifi"},
        {"id": "p2", "kind": "phone", "user": "b", "access": "lte"}
      ],
      "links": [
        {"from": "srv", "to": "UK", "latency": "auto", "bandwidth": "10Gbps"},
        {"from": "p1", "to": "ES"},
        {"from": "p2", "to": "FI"}
      ],
      "traffic": [{"at": "1s", "from": "a", "to": "b", "text": "hola"}]
    })");
}

const std::string kScenarioFile = (kScenarios / "test.json").string();

ScenarioError load_error(const json& doc, const std::vector<std::string>& overrides = {}) {
    try {
        load_scenario(doc, kScenarioFile, overrides);
    } catch (const ScenarioError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for " << doc.dump();
    return ScenarioError("", "", "");
}

TEST(ImportLoader, ImportedRoutersComeFirstAndScenarioNodesAttachToThem) {
    const model::ModelSpec spec = load_scenario(geant_scenario(), kScenarioFile);
    ASSERT_EQ(spec.nodes.size(), 40U + 3);
    ASSERT_EQ(spec.links.size(), 61U + 3);
    EXPECT_EQ(spec.nodes[0].id, "NL");
    EXPECT_EQ(spec.nodes[40].id, "srv");
    const net::LinkSpec& uplink = spec.links[61];
    EXPECT_EQ(spec.nodes[uplink.b].id, "UK");
    EXPECT_LT(uplink.latency, 100us);  // "auto" from the server to the imported London
}

TEST(ImportLoader, ScenarioIdsMayNotCollideWithImportedOnes) {
    json doc = geant_scenario();
    doc["nodes"].push_back({{"id", "UK"}, {"kind", "router"}});
    const ScenarioError e = load_error(doc);
    EXPECT_EQ(e.json_path(), "/nodes/3/id");
    EXPECT_NE(e.reason().find("first at /import"), std::string::npos) << e.reason();
}

TEST(ImportLoader, BadImportsAreErrorsAtTheirPath) {
    json doc = geant_scenario();
    doc["import"]["file"] = "topologies/NoSuchFile.graphml";
    EXPECT_EQ(load_error(doc).json_path(), "/import/file");

    const TempDir dir;
    dir.write("broken.graphml", "<graphml><graph><node id=\"0\"></graph>");
    doc["import"]["file"] = (dir.path() / "broken.graphml").string();  // absolute path
    ScenarioError e = load_error(doc);
    EXPECT_EQ(e.json_path(), "/import/file");
    EXPECT_NE(e.reason().find("not GraphML"), std::string::npos) << e.reason();

    dir.write("empty.graphml", "<graphml><graph edgedefault=\"undirected\"></graph></graphml>");
    doc["import"]["file"] = (dir.path() / "empty.graphml").string();
    EXPECT_NE(load_error(doc).reason().find("no nodes"), std::string::npos);

    doc = geant_scenario();
    doc["import"]["format"] = "gml";
    EXPECT_EQ(load_error(doc).json_path(), "/import/format");
    doc = geant_scenario();
    doc["import"]["inflation"] = 0;
    EXPECT_EQ(load_error(doc).json_path(), "/import/inflation");
    doc = geant_scenario();
    doc["import"]["fille"] = "x";
    e = load_error(doc);
    EXPECT_EQ(e.json_path(), "/import/fille");
    EXPECT_NE(e.reason().find("\"file\""), std::string::npos) << e.reason();
    doc = geant_scenario();
    doc["generate"] = {{"model", "grid"}, {"rows", 2}, {"cols", 2}};
    EXPECT_EQ(load_error(doc).json_path(), "/generate");
}

/// A scenario on a generated topology; phones and a server attach to generated routers.
json generated_scenario(json generate) {
    json doc = json::parse(R"({
      "name": "gen-test",
      "nodes": [
        {"id": "srv", "kind": "server"},
        {"id": "p1", "kind": "phone", "user": "a", "access": "wifi"},
        {"id": "p2", "kind": "phone", "user": "b", "access": "wifi"}
      ],
      "links": [
        {"from": "srv", "to": "g0", "latency": "1ms"},
        {"from": "p1", "to": "g1"},
        {"from": "p2", "to": "g5"}
      ]
    })");
    doc["generate"] = std::move(generate);
    return doc;
}

std::vector<std::tuple<net::NodeIndex, net::NodeIndex, std::int64_t>> links_of(
    const model::ModelSpec& spec) {
    std::vector<std::tuple<net::NodeIndex, net::NodeIndex, std::int64_t>> out;
    for (const net::LinkSpec& l : spec.links) {
        out.emplace_back(l.a, l.b, l.latency.count());
    }
    return out;
}

// Whole numbers are written 30U here: a JSON file's 30 parses as unsigned, and the loader's
// integer fields (like "seed") take only that form.
TEST(GenerateLoader, SameSeedSameTopologyAndTheSeedMatters) {
    const json ba = generated_scenario({{"model", "barabasi-albert"}, {"n", 30U}, {"m", 2U}});
    const auto a = links_of(load_scenario(ba, kScenarioFile));
    EXPECT_EQ(a.size(), 2U * 28 + 3);
    EXPECT_EQ(a, links_of(load_scenario(ba, kScenarioFile)));
    // Without its own seed the block follows the scenario's...
    EXPECT_NE(a, links_of(load_scenario(ba, kScenarioFile, {"seed=2"})));
    // ...and with one it is pinned whatever the run's seed.
    json pinned = ba;
    pinned["generate"]["seed"] = 42U;
    EXPECT_EQ(links_of(load_scenario(pinned, kScenarioFile, {"seed=1"})),
              links_of(load_scenario(pinned, kScenarioFile, {"seed=2"})));
    EXPECT_NE(links_of(load_scenario(pinned, kScenarioFile)),
              links_of(load_scenario(pinned, kScenarioFile, {"generate.seed=43"})));
}

TEST(GenerateLoader, EveryModelLoads) {
    for (const json& g : {json{{"model", "waxman"}, {"n", 20U}, {"side_km", 500}},
                          json{{"model", "grid"}, {"rows", 3U}, {"cols", 3U}, {"prefix", "x"}},
                          json{{"model", "tree"}, {"depth", 2U}, {"fanout", 3U}},
                          json{{"model", "isp"},
                               {"backbone", 6U},
                               {"access", 2U},
                               {"chords", 2U},
                               {"prefix", "x"}}}) {
        json doc = generated_scenario(g);
        if (g["model"] == "grid") {
            doc["links"] = json::parse(R"([{"from": "srv", "to": "x0-0", "latency": "1ms"},
                {"from": "p1", "to": "x2-2"}, {"from": "p2", "to": "x1-2"}])");
        } else if (g["model"] == "isp") {
            doc["links"] = json::parse(R"([{"from": "srv", "to": "xbb0", "latency": "1ms"},
                {"from": "p1", "to": "xar3-1"}, {"from": "p2", "to": "xar5-0"}])");
        }
        const model::ModelSpec spec = load_scenario(doc, kScenarioFile);
        EXPECT_GT(spec.nodes.size(), 3U) << g.dump();
    }
}

TEST(GenerateLoader, BadModelsAndParametersAreErrorsAtTheirPath) {
    ScenarioError e = load_error(generated_scenario({{"model", "waxmann"}, {"n", 10U}}));
    EXPECT_EQ(e.json_path(), "/generate/model");
    EXPECT_NE(e.reason().find("did you mean \"waxman\""), std::string::npos) << e.reason();
    EXPECT_EQ(load_error(generated_scenario({{"n", 10U}})).json_path(), "/generate");
    EXPECT_EQ(load_error(generated_scenario({{"model", "barabasi-albert"}, {"n", 10U}, {"m", 10U}}))
                  .json_path(),
              "/generate/m");
    EXPECT_EQ(load_error(generated_scenario({{"model", "barabasi-albert"}, {"n", -1}})).json_path(),
              "/generate/n");
    // A parameter of another model is an unknown key.
    EXPECT_EQ(
        load_error(generated_scenario({{"model", "grid"}, {"rows", 2U}, {"cols", 9U}, {"m", 2U}}))
            .json_path(),
        "/generate/m");
    EXPECT_EQ(load_error(generated_scenario({{"model", "isp"}, {"backbone", 4U}, {"chords", 3U}}))
                  .json_path(),
              "/generate/chords");
    EXPECT_EQ(
        load_error(generated_scenario({{"model", "waxman"}, {"n", 10U}, {"beta", 2U}})).json_path(),
        "/generate/beta");
    EXPECT_EQ(load_error(generated_scenario({{"model", "tree"}, {"depth", 64U}, {"fanout", 9U}}))
                  .json_path(),
              "/generate");
}

}  // namespace
}  // namespace sim::scenario
