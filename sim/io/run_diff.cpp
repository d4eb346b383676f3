#include "sim/io/run_diff.hpp"

#include <map>

namespace sim::io {

using json = nlohmann::ordered_json;

namespace {

/// A key as a JSON pointer token (RFC 6901: ~ as ~0, / as ~1).
std::string pointer_token(std::string_view key) {
    std::string t;
    for (char c : key) {
        if (c == '~')
            t += "~0";
        else if (c == '/')
            t += "~1";
        else
            t += c;
    }
    return t;
}

void collect(const json& a, const json& b, const std::string& path,
             bool (*ignore)(std::string_view), std::vector<JsonDifference>& out) {
    if (a.is_object() && b.is_object()) {
        for (const auto& [key, va] : a.items()) {
            if (ignore && ignore(key)) continue;
            const std::string p = path + "/" + pointer_token(key);
            const auto it = b.find(key);
            if (it == b.end())
                out.push_back({p, va, std::nullopt});
            else
                collect(va, *it, p, ignore, out);
        }
        for (const auto& [key, vb] : b.items()) {
            if ((ignore && ignore(key)) || a.contains(key)) continue;
            out.push_back({path + "/" + pointer_token(key), std::nullopt, vb});
        }
        return;
    }
    if (a.is_array() && b.is_array()) {
        const std::size_t common = std::min(a.size(), b.size());
        for (std::size_t i = 0; i < common; ++i)
            collect(a[i], b[i], path + "/" + std::to_string(i), ignore, out);
        for (std::size_t i = common; i < a.size(); ++i)
            out.push_back({path + "/" + std::to_string(i), a[i], std::nullopt});
        for (std::size_t i = common; i < b.size(); ++i)
            out.push_back({path + "/" + std::to_string(i), std::nullopt, b[i]});
        return;
    }
    // Leaves (or a type change): nlohmann compares integers and doubles by value.
    if (a != b) out.push_back({path.empty() ? "/" : path, a, b});
}

bool is_ignored_in_summary(std::string_view key) {
    return is_wall_clock_key(key) || key == "fingerprint";
}

/// The messages of a trace by id, in id order; throws DiffInputError for a malformed one.
std::map<std::int64_t, const json*> messages_by_id(const json& trace, char side) {
    if (!trace.is_object()) throw DiffInputError(side, "", "not a JSON object");
    const auto it = trace.find("messages");
    if (it == trace.end() || !it->is_array())
        throw DiffInputError(side, "/messages", "missing or not an array");
    std::map<std::int64_t, const json*> by_id;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& m = (*it)[i];
        const std::string where = "/messages/" + std::to_string(i);
        if (!m.is_object()) throw DiffInputError(side, where, "not a JSON object");
        const auto id = m.find("id");
        if (id == m.end() || !id->is_number_integer())
            throw DiffInputError(side, where + "/id", "missing or not an integer");
        if (!by_id.emplace(id->get<std::int64_t>(), &m).second)
            throw DiffInputError(
                side, where + "/id",
                "message id " + std::to_string(id->get<std::int64_t>()) + " appears twice");
    }
    return by_id;
}

std::optional<std::int64_t> record_time(const std::string& line, char side, std::uint64_t n) {
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
        throw DiffInputError(side, "line " + std::to_string(n), "not a JSON object");
    }
    const auto t = j.find("t_ns");
    if (t == j.end() || !t->is_number_integer()) return std::nullopt;
    return t->get<std::int64_t>();
}

}  // namespace

std::vector<JsonDifference> json_differences(const json& a, const json& b,
                                             bool (*ignore)(std::string_view)) {
    std::vector<JsonDifference> out;
    collect(a, b, "", ignore, out);
    return out;
}

bool is_wall_clock_key(std::string_view key) {
    return key.find("wall") != std::string_view::npos;
}

std::vector<JsonDifference> diff_summaries(const json& a, const json& b) {
    return json_differences(a, b, is_ignored_in_summary);
}

TraceDiff diff_traces(const json& a, const json& b) {
    const auto ma = messages_by_id(a, 'a');
    const auto mb = messages_by_id(b, 'b');
    TraceDiff d;
    d.messages_a = ma.size();
    d.messages_b = mb.size();
    // The header: every top-level key but the messages.
    json ha = a, hb = b;
    ha.erase("messages");
    hb.erase("messages");
    d.header = json_differences(ha, hb);

    auto ia = ma.begin(), ib = mb.begin();
    auto note_first = [&](TraceDiff::First f) {
        if (!d.first) d.first = std::move(f);
    };
    // A merge of the two id-ordered lists.
    while (ia != ma.end() || ib != mb.end()) {
        if (ib == mb.end() || (ia != ma.end() && ia->first < ib->first)) {
            d.only_a.push_back(ia->first);
            note_first({ia->first, 'a', {"", *ia->second, std::nullopt}, 0});
            ++ia;
        } else if (ia == ma.end() || ib->first < ia->first) {
            d.only_b.push_back(ib->first);
            note_first({ib->first, 'b', {"", std::nullopt, *ib->second}, 0});
            ++ib;
        } else {
            auto fields = json_differences(*ia->second, *ib->second);
            if (!fields.empty()) {
                ++d.differing;
                const std::size_t n = fields.size();
                note_first({ia->first, 0, std::move(fields.front()), n});
            }
            ++ia;
            ++ib;
        }
    }
    return d;
}

LinesDiff diff_json_lines(std::istream& a, std::istream& b) {
    LinesDiff d;
    std::string la, lb;
    for (std::uint64_t n = 1;; ++n) {
        const bool has_a = static_cast<bool>(std::getline(a, la));
        const bool has_b = static_cast<bool>(std::getline(b, lb));
        if (!has_a && !has_b) return d;
        if (has_a && has_b && la == lb) {
            ++d.lines_compared;
            continue;
        }
        LinesDiff::First f;
        f.line = n;
        if (has_a) {
            f.t_ns_a = record_time(la, 'a', n);
            f.a = std::move(la);
        }
        if (has_b) {
            f.t_ns_b = record_time(lb, 'b', n);
            f.b = std::move(lb);
        }
        d.first = std::move(f);
        return d;
    }
}

}  // namespace sim::io
