#include "sim/io/csv.hpp"

#include "sim/io/json_file.hpp"
#include "sim/model/journal.hpp"

namespace sim::io {

using json = nlohmann::ordered_json;

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';  // a quote inside a quoted field is doubled
        out += c;
    }
    out += '"';
    return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) line += ',';
        line += csv_field(fields[i]);
    }
    line += "\r\n";
    return line;
}

namespace {

/// A JSON scalar as a cell: strings unquoted, numbers as summary.json prints them, null empty.
std::string cell(const json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

void flatten(const json& v, const std::string& path, std::string& out) {
    if (v.is_object()) {
        for (const auto& [key, child] : v.items())
            flatten(child, path.empty() ? key : path + "." + key, out);
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            flatten(v[i], path + "." + std::to_string(i), out);
    } else {
        out += csv_record({path, cell(v)});
    }
}

}  // namespace

void write_summary_csv(const std::filesystem::path& path, const json& summary) {
    std::string text = csv_record({"key", "value"});
    flatten(summary, "", text);
    write_file_atomic(path, [&](std::ostream& os) { os << text; });
}

const std::vector<std::string>& message_csv_columns() {
    static const std::vector<std::string> columns = [] {
        std::vector<std::string> c = {"id",
                                      "from",
                                      "to",
                                      "from_device",
                                      "content",
                                      "server",
                                      "size_bytes",
                                      "wire_bytes",
                                      "packets",
                                      "device",
                                      "sync",
                                      "status",
                                      "sent_at_ms",
                                      "delivered_at_ms",
                                      "displayed_at_ms",
                                      "read_at_ms",
                                      "latency_ms",
                                      "retransmissions",
                                      "stored_ms",
                                      "path"};
        for (std::size_t s = 0; s < model::kStageCount; ++s)
            c.push_back(std::string(model::stage_name(static_cast<model::Stage>(s))) + "_ms");
        return c;
    }();
    return columns;
}

void write_messages_csv(const std::filesystem::path& path, const json& trace) {
    write_file_atomic(path, [&](std::ostream& os) {
        os << csv_record(message_csv_columns());
        for (const json& m : trace.at("messages")) {
            for (const json& d : m.at("deliveries")) {
                std::string hops;
                for (const json& n : d.at("path")) {
                    if (!hops.empty()) hops += ' ';
                    hops += n.get<std::string>();
                }
                std::vector<std::string> row = {cell(m.at("id")),
                                                cell(m.at("from")),
                                                cell(m.at("to")),
                                                cell(m.at("from_device")),
                                                cell(m.at("content")),
                                                cell(m.at("server")),
                                                cell(m.at("size_bytes")),
                                                cell(m.at("wire_bytes")),
                                                cell(m.at("packets")),
                                                cell(d.at("device")),
                                                cell(d.at("sync")),
                                                cell(d.at("status")),
                                                cell(m.at("sent_at_ms")),
                                                cell(d.at("delivered_at_ms")),
                                                cell(d.at("displayed_at_ms")),
                                                cell(d.at("read_at_ms")),
                                                cell(d.at("latency_ms")),
                                                cell(d.at("retransmissions")),
                                                cell(d.at("stored_ms")),
                                                hops};
                for (std::size_t s = 0; s < model::kStageCount; ++s) {
                    const std::string name(model::stage_name(static_cast<model::Stage>(s)));
                    const auto it = d.find("stages_ms");
                    row.push_back(it != d.end() && it->contains(name) ? cell((*it)[name]) : "");
                }
                os << csv_record(row);
            }
        }
    });
}

}  // namespace sim::io
