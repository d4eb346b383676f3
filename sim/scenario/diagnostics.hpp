// Wording of scenario error messages: how a JSON value is shown, and "did you mean"
// suggestions for misspelt keys, ids and names.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim::scenario {

/// `text` in double quotes with JSON escapes, shortened if long (binary garbage stays short).
std::string in_quotes(std::string_view text);

/// A JSON value as shown in a message: strings quoted, numbers and literals as written,
/// containers by kind ("an object"). Never throws, even on invalid UTF-8.
std::string describe(const nlohmann::json& value);

/// "a string", "a number", ... for "expected X, got Y" messages.
std::string kind_of(const nlohmann::json& value);

/// The candidate closest to `word` by case-insensitive edit distance, if close enough to
/// be a plausible typo (distance <= 1, or <= a third of the word's length, at most 3).
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

/// "; did you mean \"X\"?" when a candidate is close, else " (NOUN: a, b, c, ...)" listing
/// up to a few candidates, else "" when there are none.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view noun);

}  // namespace sim::scenario
