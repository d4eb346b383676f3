#include "sim/scenario/diagnostics.hpp"

#include <algorithm>
#include <cctype>

namespace sim::scenario {

namespace {

constexpr std::size_t kMaxShown = 60;   // characters of a quoted value in a message
constexpr std::size_t kMaxListed = 12;  // candidates listed when none is close

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions, so that
// "sede" is one edit from "seed", as a typist would count it.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t w = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * w);
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i * w] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            std::size_t best = std::min(
                {d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1])) {
                best = std::min(best, d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    return d.back();
}

}  // namespace

std::string in_quotes(std::string_view text) {
    const bool cut = text.size() > kMaxShown;
    if (cut) text = text.substr(0, kMaxShown);
    // replace: a cut or a binary string may not be valid UTF-8, and dump() would throw.
    std::string out = nlohmann::json(std::string(text))
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (cut) out.insert(out.size() - 1, "...");
    return out;
}

std::string describe(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::string:
            return in_quotes(value.get_ref<const std::string&>());
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "an array";
        case nlohmann::json::value_t::discarded:
            return "nothing";
        default:
            return value.dump();
    }
}

std::string kind_of(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::string:
            return "a string";
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "an array";
        case nlohmann::json::value_t::boolean:
            return "a boolean";
        case nlohmann::json::value_t::null:
            return "null";
        default:
            return "a number";
    }
}

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (const std::string& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view noun) {
    if (auto near = closest(word, candidates)) return "; did you mean " + in_quotes(*near) + "?";
    if (candidates.empty()) return "";
    std::string list = " (" + std::string(noun) + ": ";
    for (std::size_t i = 0; i < candidates.size() && i < kMaxListed; ++i) {
        if (i > 0) list += ", ";
        list += candidates[i];
    }
    if (candidates.size() > kMaxListed) list += ", ...";
    return list + ")";
}

}  // namespace sim::scenario
