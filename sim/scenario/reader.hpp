// Walking a scenario document with the current JSON Pointer: ObjectReader checks an object's
// keys once, and every problem is reported at the exact path of the offending value.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/model/spec.hpp"
#include "sim/scenario/units.hpp"

namespace sim::scenario {

/// Bad input at a JSON Pointer. load_scenario adds the file name and rethrows it as a
/// ScenarioError, so the walking code need not carry the file name around.
class PathError : public std::runtime_error {
public:
    PathError(std::string path, std::string reason)
        : std::runtime_error(path + ": " + reason),
          path_(std::move(path)),
          reason_(std::move(reason)) {}
    const std::string& path() const { return path_; }
    const std::string& reason() const { return reason_; }

private:
    std::string path_;
    std::string reason_;
};

/// `parent` + "/" + `key`, with the JSON Pointer escapes of RFC 6901 (~ as ~0, / as ~1).
std::string child_path(const std::string& parent, std::string_view key);
std::string child_path(const std::string& parent, std::size_t index);

/// Calls parse(value). A std::invalid_argument from it (a UnitError, typically) becomes a
/// PathError at `path`, extended by UnitError::where() when the fault is inside the value.
template <class F>
auto parse_at(const nlohmann::json& value, const std::string& path, F&& parse)
    -> std::invoke_result_t<F, const nlohmann::json&> {
    try {
        return std::invoke(std::forward<F>(parse), value);
    } catch (const UnitError& e) {
        throw PathError(path + e.where(), e.what());
    } catch (const std::invalid_argument& e) {
        throw PathError(path, e.what());
    }
}

/// The elements of `value`, or a PathError if it is not an array.
const nlohmann::json::array_t& array_at(const nlohmann::json& value, const std::string& path);

/// One JSON object of the scenario, read key by key. The constructor rejects anything but
/// an object with only the `known` keys, so a misspelt key is reported first (with the
/// closest known key) instead of as a confusing "missing key" further on.
class ObjectReader {
public:
    ObjectReader(const nlohmann::json& value, std::string path, std::vector<std::string> known);

    const std::string& path() const { return path_; }
    std::string path(std::string_view key) const { return child_path(path_, key); }
    const nlohmann::json& value() const { return value_; }

    /// The value of `key`, or nullptr when absent. `key` must be one of the known keys.
    const nlohmann::json* find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }
    /// The value of `key`; a PathError at this object's path when it is absent.
    const nlohmann::json& required(std::string_view key) const;

    /// parse(value of `key`), which must be present.
    template <class F>
    auto get(std::string_view key, F&& parse) const {
        return parse_at(required(key), path(key), std::forward<F>(parse));
    }
    /// parse(value of `key`) if present.
    template <class F>
    auto get_optional(std::string_view key, F&& parse) const
        -> std::optional<std::invoke_result_t<F, const nlohmann::json&>> {
        const nlohmann::json* v = find(key);
        if (v == nullptr) return std::nullopt;
        return parse_at(*v, path(key), std::forward<F>(parse));
    }
    /// parse(value of `key`) if present, else `fallback`.
    template <class F, class T>
    T get_or(std::string_view key, F&& parse, T fallback) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) return fallback;
        return parse_at(*v, path(key), std::forward<F>(parse));
    }

    /// Checks the free-text keys "description" and "comment" (where known) are strings;
    /// returns the description.
    std::string notes() const;

    [[noreturn]] void fail(const std::string& reason) const { throw PathError(path_, reason); }
    [[noreturn]] void fail(std::string_view key, const std::string& reason) const {
        throw PathError(path(key), reason);
    }

private:
    const nlohmann::json& value_;
    std::string path_;
    std::vector<std::string> known_;
};

// Plain value parsers for ObjectReader::get and parse_at; they throw UnitError.
std::string parse_string(const nlohmann::json& value);
/// A non-empty string (an id or a name).
std::string parse_name(const nlohmann::json& value);
bool parse_bool(const nlohmann::json& value);
/// A finite number.
double parse_number(const nlohmann::json& value);
/// A whole number in [lo, hi] (JSON integers, or floats with no fractional part).
std::uint64_t parse_integer(const nlohmann::json& value, std::uint64_t lo, std::uint64_t hi);
inline auto integer_in(std::uint64_t lo, std::uint64_t hi) {
    return [lo, hi](const nlohmann::json& v) { return parse_integer(v, lo, hi); };
}
/// Index of `value` in `choices`, or a UnitError naming the closest choice.
std::size_t parse_choice(const nlohmann::json& value, const std::vector<std::string>& choices,
                         std::string_view noun);
/// An instant of simulated time: a duration since time zero.
Time parse_instant(const nlohmann::json& value);
/// A content type: "text", "image", "video", "voice" or "file".
model::Content parse_content(const nlohmann::json& value);

}  // namespace sim::scenario
