// Exports of `msgsim run`: --csv, --timeseries and --chrome-trace, read back and checked
// against the run's own JSON outputs (the pcap export is checked with tshark by
// tests/exports/pcap_test.py).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "run_support.hpp"

using namespace msgsim_test;
using nlohmann::json;

namespace {

const std::string kQuickstart = scenario_path("scenarios/quickstart.json").string();
const std::string kCongestion = scenario_path("scenarios/congestion-reroute.json").string();
const std::string kBusyServer = scenario_path("scenarios/busy-server.json").string();

/// RFC 4180: records of fields; quoted fields may hold commas, quotes ("") and line breaks.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, was_quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            EXPECT_TRUE(field.empty()) << "quote inside an unquoted field";
            quoted = was_quoted = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            was_quoted = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            was_quoted = false;
            ++i;
        } else {
            EXPECT_NE(c, '\n') << "bare line feed: records end with CRLF";
            field += c;
        }
    }
    EXPECT_FALSE(quoted) << "unterminated quoted field";
    EXPECT_TRUE(field.empty() && row.empty() && !was_quoted) << "last record without CRLF";
    return rows;
}

/// A JSON scalar as the CSV writes it.
std::string as_cell(const json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

std::vector<json> read_jsonl(const std::filesystem::path& p) {
    std::vector<json> out;
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line))
        out.push_back(json::parse(line));
    return out;
}

}  // namespace

TEST(ExportsCsv, MessagesCsvHasOneRowPerDeliveryMatchingTraceJson) {
    const auto dir = fresh_dir("csv");
    // Quotes and commas in the scenario's name travel into summary.csv, quoted.
    const auto r = run_msgsim(
        "run '" + kQuickstart + "' --quiet --csv --set 'name=q,\"x\"' -o '" + dir.string() + "'",
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json trace = read_json(dir / "trace.json");
    const auto rows = parse_csv(read_text(dir / "messages.csv"));
    ASSERT_FALSE(rows.empty());
    const auto& header = rows.front();
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < header.size(); ++i)
        col[header[i]] = i;
    for (const char* c :
         {"id", "from", "to", "device", "sent_at_ms", "delivered_at_ms", "latency_ms", "status",
          "retransmissions", "stored_ms", "path", "queueing_ms", "offline_wait_ms", "notify_ms"})
        ASSERT_TRUE(col.count(c)) << c;
    std::size_t expected_rows = 0;
    std::size_t row = 1;
    for (const json& m : trace["messages"]) {
        for (const json& d : m["deliveries"]) {
            ++expected_rows;
            ASSERT_LT(row, rows.size());
            const auto& f = rows[row++];
            ASSERT_EQ(f.size(), header.size());
            EXPECT_EQ(f[col["id"]], as_cell(m["id"]));
            EXPECT_EQ(f[col["from"]], as_cell(m["from"]));
            EXPECT_EQ(f[col["device"]], as_cell(d["device"]));
            EXPECT_EQ(f[col["status"]], as_cell(d["status"]));
            EXPECT_EQ(f[col["sent_at_ms"]], as_cell(m["sent_at_ms"]));
            EXPECT_EQ(f[col["delivered_at_ms"]], as_cell(d["delivered_at_ms"]));
            EXPECT_EQ(f[col["latency_ms"]], as_cell(d["latency_ms"]));
            EXPECT_EQ(f[col["retransmissions"]], as_cell(d["retransmissions"]));
            EXPECT_EQ(f[col["stored_ms"]], as_cell(d["stored_ms"]));
            if (d.contains("stages_ms")) {
                EXPECT_EQ(f[col["offline_wait_ms"]], as_cell(d["stages_ms"]["offline_wait"]));
                EXPECT_EQ(f[col["queueing_ms"]], as_cell(d["stages_ms"]["queueing"]));
            } else {
                EXPECT_EQ(f[col["queueing_ms"]], "");
            }
            std::string path;
            for (const json& n : d["path"]) {
                if (!path.empty()) path += ' ';
                path += n.get<std::string>();
            }
            EXPECT_EQ(f[col["path"]], path);
        }
    }
    EXPECT_EQ(rows.size(), expected_rows + 1);
    EXPECT_GT(expected_rows, 10u);
}

TEST(ExportsCsv, SummaryCsvHoldsEveryValueOfSummaryJsonByItsPath) {
    const auto dir = fresh_dir("csv-summary");
    const auto r = run_msgsim(
        "run '" + kQuickstart + "' --quiet --csv --set 'name=q,\"x\"' -o '" + dir.string() + "'",
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json summary = read_json(dir / "summary.json");
    const auto rows = parse_csv(read_text(dir / "summary.csv"));
    ASSERT_GT(rows.size(), 20u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"key", "value"}));
    std::map<std::string, std::string> csv;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        ASSERT_EQ(rows[i].size(), 2u);
        EXPECT_TRUE(csv.emplace(rows[i][0], rows[i][1]).second) << "duplicate " << rows[i][0];
    }
    std::size_t leaves = 0;
    std::function<void(const json&, const std::string&)> walk = [&](const json& v,
                                                                    const std::string& path) {
        if (v.is_object()) {
            for (const auto& [k, c] : v.items())
                walk(c, path.empty() ? k : path + "." + k);
        } else if (v.is_array()) {
            for (std::size_t i = 0; i < v.size(); ++i)
                walk(v[i], path + "." + std::to_string(i));
        } else {
            ++leaves;
            ASSERT_TRUE(csv.count(path)) << path;
            if (path != "wall_time_s") {
                EXPECT_EQ(csv[path], as_cell(v)) << path;
            }
        }
    };
    walk(summary, "");
    EXPECT_EQ(rows.size(), leaves + 1);
    EXPECT_EQ(csv["scenario"], "q,\"x\"");  // read back through the quoting
}

TEST(ExportsTimeSeries, SamplingLeavesTheRunUnchanged) {
    const auto plain = fresh_dir("ts-plain");
    const auto sampled = fresh_dir("ts-sampled");
    const auto a =
        run_msgsim("run '" + kCongestion + "' --quiet -o '" + plain.string() + "'", plain);
    const auto b = run_msgsim(
        "run '" + kCongestion + "' --quiet --timeseries 7ms -o '" + sampled.string() + "'",
        sampled);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_FALSE(std::filesystem::exists(plain / "timeseries.jsonl"));
    EXPECT_TRUE(std::filesystem::exists(sampled / "timeseries.jsonl"));
    EXPECT_EQ(read_text(plain / "trace.json"), read_text(sampled / "trace.json"));
    json sa = read_json(plain / "summary.json"), sb = read_json(sampled / "summary.json");
    sa.erase("wall_time_s");
    sb.erase("wall_time_s");
    EXPECT_EQ(sa, sb);  // events and fingerprint included
}

TEST(ExportsTimeSeries, SamplesAddUpToTheSummaryAndAreDeterministic) {
    const auto dir = fresh_dir("ts");
    const auto again = fresh_dir("ts-again");
    // From the scenario's output block; 30 s is a whole number of 100 ms intervals.
    const std::string set = " --set 'output={\"timeseries\":{\"interval\":\"100ms\"}}'";
    const auto r =
        run_msgsim("run '" + kBusyServer + "' --quiet" + set + " -o '" + dir.string() + "'", dir);
    const auto r2 = run_msgsim(
        "run '" + kBusyServer + "' --quiet" + set + " -o '" + again.string() + "'", again);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    EXPECT_EQ(read_text(dir / "timeseries.jsonl"), read_text(again / "timeseries.jsonl"));
    const json summary = read_json(dir / "summary.json");
    const auto lines = read_jsonl(dir / "timeseries.jsonl");
    ASSERT_GE(lines.size(), 2u);
    const json& head = lines.front();
    EXPECT_EQ(head["interval_ms"], 100.0);
    const auto& links = summary["links"];
    ASSERT_EQ(head["links"].size(), links.size());
    const std::size_t servers = head["servers"].size();
    ASSERT_EQ(servers, summary["servers"].size());
    const double sim_ms = summary["sim_time_s"].get<double>() * 1000;
    EXPECT_EQ(lines.size(), 2 + static_cast<std::size_t>(sim_ms / 100));  // header, t = 0 .. end
    std::vector<double> util_sum(links.size(), 0);
    std::vector<std::uint64_t> max_queue(links.size(), 0), max_server_queue(servers, 0);
    double last_t = -100;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const json& s = lines[i];
        EXPECT_DOUBLE_EQ(s["t_ms"].get<double>(), last_t + 100);
        last_t = s["t_ms"].get<double>();
        for (std::size_t k = 0; k < links.size(); ++k) {
            util_sum[k] += s["utilization"][k].get<double>();
            max_queue[k] = std::max(max_queue[k], s["queue_bytes"][k].get<std::uint64_t>());
        }
        for (std::size_t k = 0; k < servers; ++k) {
            EXPECT_LE(s["server_busy"][k].get<std::uint64_t>(),
                      head["servers"][k]["workers"].get<std::uint64_t>());
            max_server_queue[k] =
                std::max(max_server_queue[k], s["server_queue"][k].get<std::uint64_t>());
        }
    }
    bool any_busy = false;
    for (std::size_t k = 0; k < links.size(); ++k) {
        EXPECT_EQ(head["links"][k]["from"], links[k]["from"]);
        // The mean of the per-interval utilizations is the run's utilization (each sample
        // is rounded to 1e-6).
        const double n = sim_ms / 100;
        EXPECT_NEAR(util_sum[k] / n, links[k]["utilization"].get<double>(), 1e-6) << k;
        EXPECT_LE(max_queue[k], links[k]["max_queue_bytes"].get<std::uint64_t>());
        any_busy = any_busy || util_sum[k] > 0;
    }
    EXPECT_TRUE(any_busy);
    for (std::size_t k = 0; k < servers; ++k) {
        EXPECT_LE(max_server_queue[k], summary["servers"][k]["max_queue"].get<std::uint64_t>());
        EXPECT_GT(max_server_queue[k], 0u);  // busy-server queues at its one worker
    }
}

TEST(ExportsTimeSeries, RejectsABadInterval) {
    const auto dir = fresh_dir("ts-bad");
    const auto r = run_msgsim(
        "run '" + kQuickstart + "' --quiet --timeseries 0s -o '" + dir.string() + "'", dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/output/timeseries/interval"), std::string::npos) << r.err;
}

TEST(ExportsChromeTrace, SlicesMatchThePacketTraceAndNestProperly) {
    const auto dir = fresh_dir("chrome");
    const auto r =
        run_msgsim("run '" + kQuickstart + "' --quiet --trace packets --chrome-trace -o '" +
                       dir.string() + "'",
                   dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json doc = read_json(dir / "chrome_trace.json");
    const json topo = read_json(dir / "topology.json");
    const json& events = doc["traceEvents"];
    std::map<int, std::string> process;
    std::map<int, std::string> thread;
    struct Slice {
        double ts, dur;
        std::string cat, name;
        const json* e;
    };
    std::map<int, std::vector<Slice>> by_tid;
    std::multiset<std::tuple<std::string, long long, long long>> tx;  // node, start, end (ns)
    for (const json& e : events) {
        if (e["ph"] == "M" && e["name"] == "process_name") process[e["pid"]] = e["args"]["name"];
        if (e["ph"] == "M" && e["name"] == "thread_name") {
            EXPECT_FALSE(thread.count(e["tid"])) << "thread ids are global";
            thread[e["tid"]] = e["args"]["name"];
        }
        if (e["ph"] != "X") continue;
        by_tid[e["tid"]].push_back(
            {e["ts"].get<double>(), e["dur"].get<double>(), e["cat"], e["name"], &e});
    }
    ASSERT_EQ(process.size(), topo["nodes"].size());
    for (std::size_t i = 0; i < topo["nodes"].size(); ++i) {
        const std::string id = topo["nodes"][i]["id"];
        EXPECT_EQ(process[static_cast<int>(i) + 1].rfind(id + " (", 0), 0u);
    }
    std::set<std::uint64_t> flows_out;
    std::vector<std::pair<double, std::uint64_t>> flows_in;
    std::map<std::string, int> cats;
    for (auto& [tid, slices] : by_tid) {
        ASSERT_TRUE(thread.count(tid)) << "every lane is named";
        std::sort(slices.begin(), slices.end(),
                  [](const Slice& a, const Slice& b) { return a.ts < b.ts; });
        for (std::size_t i = 0; i < slices.size(); ++i) {
            const Slice& s = slices[i];
            ++cats[s.cat];
            EXPECT_GE(s.dur, 0);
            if (i > 0) {  // a lane never overlaps itself, in ns as Perfetto reads them
                auto ns = [](double us) { return static_cast<long long>(us * 1000.0); };
                EXPECT_LE(ns(slices[i - 1].ts) + ns(slices[i - 1].dur), ns(s.ts)) << s.name;
            }
            const json& e = *s.e;
            if (s.cat == "tx") {
                const int pid = e["pid"];
                tx.insert({topo["nodes"][pid - 1]["id"].get<std::string>(),
                           std::llround(s.ts * 1000), std::llround((s.ts + s.dur) * 1000)});
            }
            if (e.contains("bind_id")) {
                if (e.value("flow_out", false)) flows_out.insert(e["bind_id"].get<std::uint64_t>());
                if (e.value("flow_in", false))
                    flows_in.emplace_back(s.ts, e["bind_id"].get<std::uint64_t>());
            }
        }
    }
    EXPECT_GT(cats["queue"], 0);
    EXPECT_GT(cats["processing"], 0);
    EXPECT_GT(cats["receive"], 0);
    // Every arrow ends where one started.
    for (const auto& [ts, id] : flows_in)
        EXPECT_TRUE(flows_out.count(id)) << "flow " << id << " at " << ts;
    // One transmitter slice per "sent" line of the packet trace, at the same times.
    std::multiset<std::tuple<std::string, long long, long long>> sent;
    for (const json& p : read_jsonl(dir / "packets.jsonl")) {
        if (p["what"] == "sent")
            sent.insert({p["at"].get<std::string>(), p["tx_start_ns"].get<long long>(),
                         p["t_ns"].get<long long>()});
    }
    EXPECT_EQ(tx, sent);
    // Server slices end when service ends: before the message's first downlink packet.
    const json trace = read_json(dir / "trace.json");
    int servers_seen = 0;
    for (const auto& [tid, slices] : by_tid) {
        for (const Slice& s : slices) {
            if (s.name.rfind("server wait + service m", 0) != 0) continue;
            ++servers_seen;
            const auto id = (*s.e)["args"]["message"].get<std::uint64_t>();
            for (const json& m : trace["messages"]) {
                if (m["id"] != id) continue;
                for (const json& d : m["deliveries"]) {
                    if (d["status"] != "delivered") continue;
                    EXPECT_LE((s.ts + s.dur) / 1000, d["delivered_at_ms"].get<double>() + 1e-9);
                    EXPECT_GE(s.ts / 1000, m["sent_at_ms"].get<double>() - 1e-9);
                }
            }
        }
    }
    EXPECT_GT(servers_seen, 0);
}

TEST(ExportsPcap, NamesNodesAndLinksWhoseIdsHoldDashes) {
    const auto dir = fresh_dir("pcap-names");
    // "alice-phone-paris-router" splits only one way into two linked nodes.
    const auto r = run_msgsim("run '" + kQuickstart +
                                  "' --quiet --pcap alice-phone --pcap alice-phone-paris-router "
                                  "--pcap paris-router-alice-phone -o '" +
                                  dir.string() + "'",
                              dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* f : {"alice-phone.pcap", "alice-phone-paris-router.pcap",
                          "paris-router-alice-phone.pcap", "hosts"})
        EXPECT_TRUE(std::filesystem::exists(dir / "pcap" / f)) << f;
    // Both directions of a link are in its capture, whichever way it is named.
    EXPECT_EQ(read_text(dir / "pcap" / "alice-phone-paris-router.pcap"),
              read_text(dir / "pcap" / "paris-router-alice-phone.pcap"));
    // 24-byte file header, then 16-byte record headers and 60 captured bytes per packet.
    const auto size = std::filesystem::file_size(dir / "pcap" / "alice-phone.pcap");
    EXPECT_EQ((size - 24) % 76, 0u);
    EXPECT_GT(size, 24u + 76 * 10);
}

TEST(ExportsPcap, RefusesANameThatIsNeitherNodeNorLink) {
    const auto dir = fresh_dir("pcap-bad");
    for (const char* bad : {"nowhere", "alice-phone-eu-central", "paris-router-"}) {
        const auto r = run_msgsim(
            "run '" + kQuickstart + "' --quiet --pcap " + bad + " -o '" + dir.string() + "'", dir);
        EXPECT_EQ(r.exit_code, 2) << bad;
        EXPECT_NE(r.err.find(std::string("--pcap ") + bad + ":"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir / "summary.json"));
    }
}
