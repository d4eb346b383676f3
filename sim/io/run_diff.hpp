// Comparing two runs' outputs (msgsim diff): summary.json key by key, trace.json message by
// message, and the JSON Lines traces line by line, each reporting where they first diverge.
// Pure functions over parsed documents and streams; the command line reads the files.
#pragma once

#include <cstdint>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sim::io {

/// An output file that cannot be compared: not what msgsim writes. `side` says whose file
/// ('a' or 'b'), `where` is a JSON path (or "line N" for JSON Lines); the caller adds the
/// file name.
class DiffInputError : public std::runtime_error {
public:
    DiffInputError(char side, std::string where, const std::string& what)
        : std::runtime_error(what), side_(side), where_(std::move(where)) {}
    char side() const { return side_; }
    const std::string& where() const { return where_; }

private:
    char side_;
    std::string where_;
};

/// One leaf where two JSON documents differ; an absent side (key or array element missing
/// there) is nullopt.
struct JsonDifference {
    std::string path;  ///< JSON pointer, e.g. /messages/delivered
    std::optional<nlohmann::ordered_json> a;
    std::optional<nlohmann::ordered_json> b;
};

/// Every leaf where `a` and `b` differ, in a's key order (then keys only b has). Object keys
/// for which `ignore(key)` is true are skipped at any depth. Numbers compare by value.
std::vector<JsonDifference> json_differences(const nlohmann::ordered_json& a,
                                             const nlohmann::ordered_json& b,
                                             bool (*ignore)(std::string_view key) = nullptr);

/// Keys that hold wall-clock measurements, which differ between equal runs: any key whose
/// name contains "wall" (wall_time_s).
bool is_wall_clock_key(std::string_view key);

/// summary.json: every differing value, wall-clock keys and the fingerprint left out (the
/// fingerprint is compared on its own).
std::vector<JsonDifference> diff_summaries(const nlohmann::ordered_json& a,
                                           const nlohmann::ordered_json& b);

struct TraceDiff {
    std::size_t messages_a = 0;
    std::size_t messages_b = 0;
    std::vector<JsonDifference> header;  ///< scenario, seed and other top-level keys
    std::size_t differing = 0;           ///< messages in both runs whose records differ
    std::vector<std::int64_t> only_a;    ///< ids of messages only run A has, ascending
    std::vector<std::int64_t> only_b;
    /// The first divergence in id order (ids follow send time): a message in both runs that
    /// differs (its first differing field), or one that only one run has.
    struct First {
        std::int64_t id = 0;
        char only_in = 0;               ///< 'a' or 'b' if only one run has it, else 0
        JsonDifference field;           ///< path relative to the message record
        std::size_t fields_differ = 0;  ///< differing leaves of this message
    };
    std::optional<First> first;
    bool identical() const { return header.empty() && !first; }
};

/// trace.json: {"scenario", "seed", "messages": [{"id": ..., ...}]}. Throws DiffInputError
/// when `messages` is not an array of objects with distinct integer ids.
TraceDiff diff_traces(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b);

/// The first line where two JSON Lines traces differ.
struct LinesDiff {
    std::uint64_t lines_compared = 0;  ///< equal lines before the difference (or all)
    struct First {
        std::uint64_t line = 0;        ///< 1-based
        std::optional<std::string> a;  ///< nullopt: A ended before this line
        std::optional<std::string> b;
        std::optional<std::int64_t> t_ns_a;  ///< simulated time of each record (t_ns)
        std::optional<std::int64_t> t_ns_b;
    };
    std::optional<First> first;
};

/// Reads both streams line by line (never whole) and stops at the first difference. Only
/// the differing lines are parsed (for their t_ns); one that is not a JSON object throws
/// DiffInputError "line N" with its side.
LinesDiff diff_json_lines(std::istream& a, std::istream& b);

}  // namespace sim::io
