#include "sim/io/json_file.hpp"

#include <fstream>
#include <system_error>

namespace sim::io {

void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& body) {
    std::filesystem::path tmp = path;
    tmp += ".partial";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw OutputError("cannot write " + tmp.string());
        body(out);
        out.flush();
        if (!out) throw OutputError("error while writing " + tmp.string());
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw OutputError("cannot rename " + tmp.string() + " to " + path.string() + ": " +
                          ec.message());
}

void write_json_atomic(const std::filesystem::path& path, const nlohmann::ordered_json& doc) {
    write_file_atomic(path, [&](std::ostream& out) { out << doc.dump(2) << '\n'; });
}

}  // namespace sim::io
