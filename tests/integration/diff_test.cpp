// msgsim diff through the binary: identical runs, runs that diverge (another seed, a --set),
// a hand-edited trace.json, the JSON Lines traces, and missing or corrupt files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "run_support.hpp"

using namespace msgsim_test;

namespace {

const std::string kScenario =
    scenario_path("tests/integration/scenarios/determinism.json").string();

/// Runs the determinism scenario into work/NAME with extra arguments; returns the directory.
std::filesystem::path run_into(const std::filesystem::path& work, const std::string& name,
                               const std::string& extra = "") {
    const auto dir = work / name;
    const auto r =
        run_msgsim("run '" + kScenario + "' --quiet -o '" + dir.string() + "' " + extra, work);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir;
}

CommandResult diff(const std::filesystem::path& a, const std::filesystem::path& b,
                   const std::filesystem::path& work, const std::string& extra = "") {
    return run_msgsim("diff '" + a.string() + "' '" + b.string() + "' " + extra, work);
}

void write_json(const std::filesystem::path& p, const nlohmann::ordered_json& j) {
    std::ofstream(p) << j.dump(2) << "\n";
}

nlohmann::ordered_json read_ordered(const std::filesystem::path& p) {
    std::ifstream in(p);
    return nlohmann::ordered_json::parse(in);
}

}  // namespace

TEST(Diff, TwoRunsOfTheSameScenarioAndSeedAreIdentical) {
    const auto work = fresh_dir("diff-same");
    const auto a = run_into(work, "a", "--trace packets");
    const auto b = run_into(work, "b", "--trace packets");
    const auto r = diff(a, b, work);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("the runs are identical"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("fingerprint    equal"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("all equal"), std::string::npos) << r.out;

    const auto j = diff(a, b, work, "--json");
    ASSERT_EQ(j.exit_code, 0) << j.err;
    const auto doc = nlohmann::json::parse(j.out);
    EXPECT_EQ(doc["identical"], true);
    EXPECT_EQ(doc["fingerprint"]["equal"], true);
    EXPECT_TRUE(doc["summary"]["differences"].empty());
    EXPECT_EQ(doc["trace"]["compared"], true);
    EXPECT_GT(doc["trace"]["messages_a"].get<int>(), 20);
    EXPECT_EQ(doc["packets.jsonl"]["compared"], true);
    EXPECT_GT(doc["packets.jsonl"]["equal_lines"].get<int>(), 1000);
}

// Another seed: the first messages are sent at other times, so the first divergence is the
// first message, and the fingerprint, seed and counts differ. Exit code 3: "they differ".
TEST(Diff, AnotherSeedNamesTheFirstDivergingMessage) {
    const auto work = fresh_dir("diff-seed");
    const auto a = run_into(work, "a");
    const auto b = run_into(work, "b", "--seed 2");
    const auto r = diff(a, b, work, "--json");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["identical"], false);
    EXPECT_EQ(doc["fingerprint"]["equal"], false);
    bool seed_listed = false;
    for (const auto& d : doc["summary"]["differences"]) {
        if (d["path"] == "/seed") {
            seed_listed = true;
            EXPECT_EQ(d["a"], 1);
            EXPECT_EQ(d["b"], 2);
        }
        EXPECT_EQ(d["path"].get<std::string>().find("wall"), std::string::npos);
    }
    EXPECT_TRUE(seed_listed);
    // The first message whose records differ, found independently from the two traces.
    const auto ta = read_json(a / "trace.json"), tb = read_json(b / "trace.json");
    std::size_t i = 0;
    while (i < ta["messages"].size() && i < tb["messages"].size() &&
           ta["messages"][i] == tb["messages"][i])
        ++i;
    ASSERT_LT(i, ta["messages"].size());
    EXPECT_EQ(doc["trace"]["first"]["id"], ta["messages"][i]["id"]);

    const auto text = diff(a, b, work);
    EXPECT_EQ(text.exit_code, 3);
    EXPECT_NE(text.out.find("first divergence: message " +
                            std::to_string(ta["messages"][i]["id"].get<int>())),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("the runs differ"), std::string::npos);
}

// A --set that changes one link's bandwidth: same traffic, so messages that never cross that
// link agree and the first divergence is a later message, with the field that changed.
TEST(Diff, ASetChangeNamesTheFirstDivergingMessageAndField) {
    const auto work = fresh_dir("diff-set");
    const auto a = run_into(work, "a");
    const auto b = run_into(work, "b", "--set links.2.bandwidth=200kbps");
    const auto r = diff(a, b, work, "--json");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    const auto& first = doc["trace"]["first"];
    ASSERT_TRUE(first.is_object()) << r.out;
    const auto ta = read_json(a / "trace.json"), tb = read_json(b / "trace.json");
    // Every message before the named one is equal in both traces; the named one is not.
    for (const auto& m : ta["messages"]) {
        const auto id = m["id"].get<int>();
        if (id >= first["id"].get<int>()) break;
        bool found = false;
        for (const auto& n : tb["messages"])
            if (n["id"] == id) {
                found = true;
                EXPECT_EQ(m, n) << "message " << id;
            }
        EXPECT_TRUE(found);
    }
    // The named field really differs there, or the named message is missing from one run
    // (ids are journal indices shared with receipts, so a timing change can shift them).
    const auto has = [](const nlohmann::json& t, const nlohmann::json& id) {
        for (const auto& m : t["messages"])
            if (m["id"] == id) return true;
        return false;
    };
    if (first["only_in"] == "a") {
        EXPECT_FALSE(has(tb, first["id"]));
        return;
    }
    if (first["only_in"] == "b") {
        EXPECT_FALSE(has(ta, first["id"]));
        return;
    }
    const nlohmann::json::json_pointer field(first["field"]["path"].get<std::string>());
    int checked = 0;
    for (const auto& m : ta["messages"]) {
        if (m["id"] != first["id"]) continue;
        for (const auto& n : tb["messages"])
            if (n["id"] == first["id"]) {
                EXPECT_EQ(m.at(field), first["field"]["a"]);
                EXPECT_EQ(n.at(field), first["field"]["b"]);
                EXPECT_NE(m.at(field), n.at(field));
                ++checked;
            }
    }
    EXPECT_EQ(checked, 1);
}

// One value edited by hand in a copy of trace.json: diff names that message and that field,
// and only that one (the summary and fingerprint still agree).
TEST(Diff, AHandEditedTraceNamesThatMessageAndField) {
    const auto work = fresh_dir("diff-edit");
    const auto a = run_into(work, "a");
    const auto b = work / "b";
    std::filesystem::copy(a, b);
    auto trace = read_ordered(b / "trace.json");
    auto& msg = trace["messages"][5];
    const auto id = msg["id"].get<int>();
    msg["deliveries"][0]["retransmissions"] =
        msg["deliveries"][0]["retransmissions"].get<int>() + 1;
    write_json(b / "trace.json", trace);

    const auto r = diff(a, b, work);
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("fingerprint    equal"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("summary.json   equal"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("first divergence: message " + std::to_string(id) +
                         ", /deliveries/0/retransmissions"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("1 differ, 0 only in A, 0 only in B"), std::string::npos) << r.out;

    // A message removed from B: it is named as only in A.
    trace = read_ordered(a / "trace.json");
    const auto removed = trace["messages"][3]["id"].get<int>();
    trace["messages"].erase(3);
    write_json(b / "trace.json", trace);
    const auto gone = diff(a, b, work);
    EXPECT_EQ(gone.exit_code, 3);
    EXPECT_NE(gone.out.find("message " + std::to_string(removed) + " is only in A"),
              std::string::npos)
        << gone.out;
}

// The wall-clock time differs between any two runs and is ignored; another summary value is
// reported with both values.
TEST(Diff, IgnoresWallClockButReportsOtherSummaryValues) {
    const auto work = fresh_dir("diff-summary");
    const auto a = run_into(work, "a");
    const auto b = work / "b";
    std::filesystem::copy(a, b);
    auto s = read_ordered(b / "summary.json");
    s["wall_time_s"] = 1234.5;
    write_json(b / "summary.json", s);
    EXPECT_EQ(diff(a, b, work).exit_code, 0);
    s["messages"]["read"] = s["messages"]["read"].get<int>() + 7;
    write_json(b / "summary.json", s);
    const auto r = diff(a, b, work);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.out.find("/messages/read  A "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("wall_time_s"), std::string::npos) << r.out;
}

// The packet traces: the first line that differs, with its line number and simulated time.
TEST(Diff, NamesTheFirstDifferingPacketTraceLine) {
    const auto work = fresh_dir("diff-lines");
    const auto a = run_into(work, "a", "--trace packets");
    const auto b = work / "b";
    std::filesystem::copy(a, b);
    const std::string text = read_text(a / "packets.jsonl");
    // Line 41 loses its last record field: B diverges there.
    std::size_t pos = 0;
    for (int line = 1; line < 41; ++line)
        pos = text.find('\n', pos) + 1;
    const std::size_t end = text.find('\n', pos);
    auto rec = nlohmann::ordered_json::parse(text.substr(pos, end - pos));
    const auto t_ns = rec["t_ns"].get<std::int64_t>();
    rec["bytes"] = rec["bytes"].get<int>() + 1;
    std::ofstream(b / "packets.jsonl", std::ios::binary)
        << text.substr(0, pos) << rec.dump() << text.substr(end);
    const auto r = diff(a, b, work, "--json");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["packets.jsonl"]["first"]["line"], 41);
    EXPECT_EQ(doc["packets.jsonl"]["first"]["t_ns_a"], t_ns);
    EXPECT_EQ(doc["packets.jsonl"]["first"]["b"], rec.dump());
    EXPECT_EQ(doc["trace"]["first"], nullptr);  // trace.json itself is the same
}

TEST(Diff, MissingOrCorruptFilesExitWithTwoNamingTheFile) {
    const auto work = fresh_dir("diff-bad");
    const auto a = run_into(work, "a");
    auto r = diff(a, work / "nowhere", work);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("nowhere: not a run directory"), std::string::npos) << r.err;

    const auto b = work / "b";
    std::filesystem::create_directories(b);
    r = diff(a, b, work);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find((b / "summary.json").string() + ": missing"), std::string::npos) << r.err;

    std::filesystem::copy(a / "summary.json", b / "summary.json");
    std::ofstream(b / "trace.json") << "{\"scenario\": \"x\", \"messages\": [";
    r = diff(a, b, work);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find((b / "trace.json").string() + ": not valid JSON"), std::string::npos)
        << r.err;

    std::ofstream(b / "trace.json") << R"({"messages": [{"id": 0}, {"from": "alice"}]})";
    r = diff(a, b, work);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find((b / "trace.json").string() + ": /messages/1/id: missing"),
              std::string::npos)
        << r.err;

    EXPECT_EQ(run_msgsim("diff '" + a.string() + "'", work).exit_code, 2);  // usage
}
