// msgsim diff: compares two run directories (summary.json, trace.json and the JSON Lines
// traces) and names the first message or event where they diverge.
//
// Exit codes: 0 the runs are identical (wall-clock fields aside); 3 they differ; 2 a file is
// missing or is not what msgsim writes; 1 any other failure. "They differ" is 3, not diff(1)'s
// 1, because SPEC.md gives 1 to unexpected failures: a script must be able to tell "the runs
// differ" from "msgsim broke". 3 already means "the work was done and a check of its results
// failed" (a failed `expect`), which is what a difference is.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "sim/cli/commands.hpp"
#include "sim/io/run_diff.hpp"

namespace sim::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

struct DiffOptions {
    std::string dir_a;
    std::string dir_b;
    bool json_output = false;
    std::size_t max_listed = 20;
};

/// A missing or malformed input: reported as exit code 2.
struct BadInput {
    std::string message;
};

json read_json_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw BadInput{p.string() + ": cannot be read"};
    json doc;
    try {
        doc = json::parse(in);
    } catch (const json::parse_error& e) {
        throw BadInput{p.string() + ": not valid JSON: " + e.what()};
    }
    if (!doc.is_object()) throw BadInput{p.string() + ": not a JSON object"};
    return doc;
}

fs::path checked_dir(const std::string& d) {
    std::error_code ec;
    if (!fs::is_directory(d, ec)) throw BadInput{d + ": not a run directory (no such directory)"};
    const fs::path summary = fs::path(d) / "summary.json";
    if (!fs::exists(summary, ec)) {
        std::string hint;
        if (fs::exists(fs::path(d) / "summary.json.partial", ec) ||
            fs::exists(fs::path(d) / "summary.json.tmp", ec))
            hint = " (the run did not finish)";
        throw BadInput{summary.string() + ": missing" + hint +
                       "; msgsim diff compares two directories written by msgsim run"};
    }
    return fs::path(d);
}

std::string shown(const std::optional<json>& v) {
    if (!v) return "(absent)";
    std::string s = v->dump();
    if (s.size() > 160) s = s.substr(0, 157) + "...";
    return s;
}

json difference_json(const io::JsonDifference& d) {
    return {{"path", d.path},
            {"a", d.a ? *d.a : json(nullptr)},
            {"b", d.b ? *d.b : json(nullptr)},
            {"in_a", d.a.has_value()},
            {"in_b", d.b.has_value()}};
}

std::string fingerprint_of(const json& summary) {
    const auto it = summary.find("fingerprint");
    return it != summary.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Which of the two runs has `name`: both, one (a note; not a difference: the runs were made
/// with different --trace levels) or neither.
enum class Presence { Both, OnlyA, OnlyB, Neither };
Presence presence(const fs::path& a, const fs::path& b, const char* name) {
    std::error_code ec;
    const bool in_a = fs::exists(a / name, ec), in_b = fs::exists(b / name, ec);
    if (in_a && in_b) return Presence::Both;
    if (in_a) return Presence::OnlyA;
    if (in_b) return Presence::OnlyB;
    return Presence::Neither;
}
const char* presence_note(Presence p) {
    switch (p) {
        case Presence::OnlyA:
            return "not compared: only A has it";
        case Presence::OnlyB:
            return "not compared: only B has it";
        case Presence::Neither:
            return "not compared: neither run has it";
        case Presence::Both:
            break;
    }
    return "";
}

std::string t_seconds(const std::optional<std::int64_t>& t_ns) {
    if (!t_ns) return "?";
    // Integer arithmetic: a double would round nanoseconds away after 104 days.
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld.%09lld s", static_cast<long long>(*t_ns / 1'000'000'000),
                  static_cast<long long>(*t_ns % 1'000'000'000));
    return buf;
}

int diff_command(const DiffOptions& o) {
    const fs::path a = checked_dir(o.dir_a), b = checked_dir(o.dir_b);
    bool identical = true;
    json report;
    report["a"] = a.string();
    report["b"] = b.string();
    std::string text;
    auto line = [&text](const std::string& s) { text += s + "\n"; };

    // summary.json and the fingerprint.
    const json sa = read_json_file(a / "summary.json"), sb = read_json_file(b / "summary.json");
    const std::string fa = fingerprint_of(sa), fb = fingerprint_of(sb);
    const bool same_fingerprint = fa == fb && !fa.empty();
    report["fingerprint"] = {{"a", fa}, {"b", fb}, {"equal", same_fingerprint}};
    if (fa.empty() || fb.empty()) {
        // One run without a fingerprint is a difference; neither is merely not comparable.
        if (fa.empty() != fb.empty()) identical = false;
        line("fingerprint    not compared: " + std::string(fa.empty() ? "A" : "B") +
             "'s summary.json has none");
    } else if (same_fingerprint) {
        line("fingerprint    equal (" + fa + ")");
    } else {
        identical = false;
        line("fingerprint    differs: A " + fa + "  B " + fb);
    }
    const auto summary_diffs = io::diff_summaries(sa, sb);
    identical = identical && summary_diffs.empty();
    report["summary"] = {{"differences", json::array()}};
    for (const auto& d : summary_diffs)
        report["summary"]["differences"].push_back(difference_json(d));
    if (summary_diffs.empty()) {
        line("summary.json   equal (wall-clock fields ignored)");
    } else {
        line("summary.json   " + std::to_string(summary_diffs.size()) +
             " values differ (wall-clock fields ignored):");
        for (std::size_t i = 0; i < summary_diffs.size() && i < o.max_listed; ++i) {
            const auto& d = summary_diffs[i];
            line("  " + d.path + "  A " + shown(d.a) + "  B " + shown(d.b));
        }
        if (summary_diffs.size() > o.max_listed)
            line("  ... and " + std::to_string(summary_diffs.size() - o.max_listed) + " more");
    }

    // trace.json, message by message.
    const Presence trace = presence(a, b, "trace.json");
    if (trace != Presence::Both) {
        report["trace"] = {{"compared", false}, {"note", presence_note(trace)}};
        line(std::string("trace.json     ") + presence_note(trace));
    } else {
        const json ta = read_json_file(a / "trace.json"), tb = read_json_file(b / "trace.json");
        io::TraceDiff td;
        try {
            td = io::diff_traces(ta, tb);
        } catch (const io::DiffInputError& e) {
            throw BadInput{((e.side() == 'a' ? a : b) / "trace.json").string() + ": " +
                           (e.where().empty() ? "" : e.where() + ": ") + e.what()};
        }
        identical = identical && td.identical();
        json t = {{"compared", true},
                  {"messages_a", td.messages_a},
                  {"messages_b", td.messages_b},
                  {"differing", td.differing},
                  {"only_a", td.only_a},
                  {"only_b", td.only_b},
                  {"header", json::array()},
                  {"first", nullptr}};
        for (const auto& d : td.header)
            t["header"].push_back(difference_json(d));
        for (const auto& d : td.header)
            line("trace.json     " + d.path + "  A " + shown(d.a) + "  B " + shown(d.b));
        if (!td.first) {
            line("trace.json     " + std::to_string(td.messages_a) + " messages, all equal");
        } else {
            const auto& f = *td.first;
            t["first"] = {{"id", f.id},
                          {"only_in", f.only_in ? std::string(1, f.only_in) : std::string()},
                          {"field", difference_json(f.field)},
                          {"fields_differ", f.fields_differ}};
            if (f.only_in) {
                line("trace.json     first divergence: message " + std::to_string(f.id) +
                     " is only in " + (f.only_in == 'a' ? "A" : "B"));
            } else {
                line("trace.json     first divergence: message " + std::to_string(f.id) + ", " +
                     f.field.path + ": A " + shown(f.field.a) + "  B " + shown(f.field.b) +
                     (f.fields_differ > 1
                          ? " (and " + std::to_string(f.fields_differ - 1) + " more fields)"
                          : ""));
            }
            line("               " + std::to_string(td.messages_a) + " messages in A, " +
                 std::to_string(td.messages_b) + " in B: " + std::to_string(td.differing) +
                 " differ, " + std::to_string(td.only_a.size()) + " only in A, " +
                 std::to_string(td.only_b.size()) + " only in B");
        }
        report["trace"] = std::move(t);
    }

    // The JSON Lines traces, line by line.
    for (const char* name : {"packets.jsonl", "events.jsonl"}) {
        const Presence p = presence(a, b, name);
        const std::string label = std::string(name) + std::string(15 - std::strlen(name), ' ');
        if (p != Presence::Both) {
            report[name] = {{"compared", false}, {"note", presence_note(p)}};
            if (p != Presence::Neither) line(label + presence_note(p));
            continue;
        }
        std::ifstream ia(a / name, std::ios::binary), ib(b / name, std::ios::binary);
        if (!ia) throw BadInput{(a / name).string() + ": cannot be read"};
        if (!ib) throw BadInput{(b / name).string() + ": cannot be read"};
        io::LinesDiff ld;
        try {
            ld = io::diff_json_lines(ia, ib);
        } catch (const io::DiffInputError& e) {
            throw BadInput{((e.side() == 'a' ? a : b) / name).string() + ": " + e.where() + ": " +
                           e.what()};
        }
        json r = {{"compared", true}, {"equal_lines", ld.lines_compared}, {"first", nullptr}};
        if (!ld.first) {
            line(label + std::to_string(ld.lines_compared) + " lines, all equal");
        } else {
            identical = false;
            const auto& f = *ld.first;
            r["first"] = {{"line", f.line},
                          {"t_ns_a", f.t_ns_a ? json(*f.t_ns_a) : json(nullptr)},
                          {"t_ns_b", f.t_ns_b ? json(*f.t_ns_b) : json(nullptr)},
                          {"a", f.a ? json(*f.a) : json(nullptr)},
                          {"b", f.b ? json(*f.b) : json(nullptr)}};
            line(label + "first difference at line " + std::to_string(f.line) + " (simulated " +
                 (f.a ? "A " + t_seconds(f.t_ns_a) : std::string("A ended")) + ", " +
                 (f.b ? "B " + t_seconds(f.t_ns_b) : std::string("B ended")) + ")");
            line("  A: " + (f.a ? *f.a : std::string("(end of file)")));
            line("  B: " + (f.b ? *f.b : std::string("(end of file)")));
        }
        report[name] = std::move(r);
    }

    report["identical"] = identical;
    if (o.json_output) {
        std::fputs((report.dump(2) + "\n").c_str(), stdout);
    } else {
        std::printf("A  %s\nB  %s\n", a.c_str(), b.c_str());
        std::fputs(text.c_str(), stdout);
        std::puts(identical ? "the runs are identical" : "the runs differ");
    }
    return identical ? kExitOk : kExitExpectationFailed;
}

}  // namespace

Action add_diff(CLI::App& app) {
    auto o = std::make_shared<DiffOptions>();
    app.add_option("outdir_a", o->dir_a, "First run directory (written by msgsim run)")->required();
    app.add_option("outdir_b", o->dir_b, "Second run directory")->required();
    app.add_flag("--json", o->json_output, "Print the comparison as JSON");
    app.add_option("--max", o->max_listed, "Differing summary values listed (default 20)");
    app.footer(
        "Exit codes: 0 identical (wall-clock fields aside), 3 the runs differ, 2 a file is "
        "missing or malformed, 1 any other failure.");
    return [o] {
        try {
            return diff_command(*o);
        } catch (const BadInput& e) {
            std::fprintf(stderr, "msgsim: error: %s\n", e.message.c_str());
            return kExitBadInput;
        }
    };
}

}  // namespace sim::cli
