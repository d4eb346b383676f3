// --csv: summary.csv and messages.csv beside the JSON outputs, for spreadsheets. Both are
// built from the same JSON documents as summary.json and trace.json, so the numbers agree.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sim::io {

/// One CSV field, quoted as RFC 4180 asks when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view s);
/// One CSV record: fields joined by commas, ended by CRLF (RFC 4180).
std::string csv_record(const std::vector<std::string>& fields);

/// summary.csv: a header `key,value`, then one row per number, string or boolean of the
/// summary, keyed by its dotted path with array indices (`links.0.utilization`), the same
/// paths `expect` uses. Null values are empty cells.
void write_summary_csv(const std::filesystem::path& path, const nlohmann::ordered_json& summary);

/// The columns of messages.csv, in order.
const std::vector<std::string>& message_csv_columns();
/// messages.csv: one row per (message, recipient device) of trace.json's messages, sync
/// copies included (column `sync`); cells of a delivery that did not happen are empty.
void write_messages_csv(const std::filesystem::path& path, const nlohmann::ordered_json& trace);

}  // namespace sim::io
