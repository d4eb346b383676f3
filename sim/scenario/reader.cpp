#include "sim/scenario/reader.hpp"

#include <algorithm>
#include <cmath>

#include "sim/core/check.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace sim::scenario {

using nlohmann::json;

std::string child_path(const std::string& parent, std::string_view key) {
    std::string out = parent + "/";
    for (const char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string child_path(const std::string& parent, std::size_t index) {
    return parent + "/" + std::to_string(index);
}

const json::array_t& array_at(const json& value, const std::string& path) {
    if (!value.is_array()) throw PathError(path, "expected an array, got " + describe(value));
    return value.get_ref<const json::array_t&>();
}

ObjectReader::ObjectReader(const json& value, std::string path, std::vector<std::string> known)
    : value_(value), path_(std::move(path)), known_(std::move(known)) {
    if (!value_.is_object()) fail("expected an object, got " + describe(value_));
    for (const auto& [key, v] : value_.items()) {
        if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
            throw PathError(child_path(path_, key),
                            "unknown key" + suggestion(key, known_, "valid keys"));
        }
    }
}

const json* ObjectReader::find(std::string_view key) const {
    MSGSIM_CHECK(std::find(known_.begin(), known_.end(), key) != known_.end(),
                 "reading undeclared key " + std::string(key) + " at " + path_);
    const auto it = value_.find(key);
    return it == value_.end() ? nullptr : &*it;
}

const json& ObjectReader::required(std::string_view key) const {
    const json* v = find(key);
    if (v == nullptr) fail("missing required key " + in_quotes(key));
    return *v;
}

std::string ObjectReader::notes() const {
    std::string description;
    for (const std::string_view key : {"description", "comment"}) {
        if (std::find(known_.begin(), known_.end(), key) == known_.end()) continue;
        if (auto text = get_optional(key, parse_string); text && key == "description") {
            description = std::move(*text);
        }
    }
    return description;
}

std::string parse_string(const json& value) {
    if (!value.is_string()) throw UnitError("expected a string, got " + describe(value));
    return value.get<std::string>();
}

std::string parse_name(const json& value) {
    std::string s = parse_string(value);
    if (s.empty()) throw UnitError("must not be empty");
    return s;
}

bool parse_bool(const json& value) {
    if (!value.is_boolean()) throw UnitError("expected true or false, got " + describe(value));
    return value.get<bool>();
}

double parse_number(const json& value) {
    if (!value.is_number()) throw UnitError("expected a number, got " + describe(value));
    const double x = value.get<double>();
    if (!std::isfinite(x)) throw UnitError("expected a finite number, got " + describe(value));
    return x;
}

std::uint64_t parse_integer(const json& value, std::uint64_t lo, std::uint64_t hi) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + string&&.
    std::string range = "a whole number ";
    if (hi == UINT64_MAX) {
        range.append(">= ").append(std::to_string(lo));
    } else {
        range.append("in [")
            .append(std::to_string(lo))
            .append(", ")
            .append(std::to_string(hi))
            .append("]");
    }
    if (!value.is_number()) {
        throw UnitError("expected " + range + ", got " + describe(value));
    }
    std::uint64_t n = 0;
    bool whole = true;
    if (value.is_number_unsigned()) {
        n = value.get<std::uint64_t>();
    } else if (value.is_number_integer()) {
        // The parser stores non-negative integers as unsigned; a document built in code
        // (or edited by --set) may hold them as signed.
        const auto i = value.get<std::int64_t>();
        whole = i >= 0;  // a negative integer: out of range below
        if (whole) n = static_cast<std::uint64_t>(i);
    } else {
        const double x = value.get<double>();
        // 2^64 is exactly representable; anything at or above it is out of range.
        whole = std::isfinite(x) && x >= 0 && x == std::floor(x) && x < 18446744073709551616.0;
        if (whole) n = static_cast<std::uint64_t>(x);
    }
    if (!whole || n < lo || n > hi) {
        throw UnitError("expected " + range + ", got " + describe(value));
    }
    return n;
}

std::size_t parse_choice(const nlohmann::json& value, const std::vector<std::string>& choices,
                         std::string_view noun) {
    const std::string s = parse_string(value);
    const auto it = std::find(choices.begin(), choices.end(), s);
    if (it == choices.end()) {
        throw UnitError("unknown " + std::string(noun) + " " + in_quotes(s) +
                        suggestion(s, choices, "known"));
    }
    return static_cast<std::size_t>(it - choices.begin());
}

Time parse_instant(const nlohmann::json& value) {
    return Time{parse_duration(value)};
}

model::Content parse_content(const nlohmann::json& value) {
    static const std::vector<std::string> names{"text", "image", "video", "voice", "file"};
    return static_cast<model::Content>(parse_choice(value, names, "content type"));
}

}  // namespace sim::scenario
