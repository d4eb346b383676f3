#include "sim/io/timeseries.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sim::io {

using json = nlohmann::ordered_json;

namespace {
double ms(Duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}
}  // namespace

TimeSeriesWriter::TimeSeriesWriter(const model::ModelSpec& spec, std::filesystem::path path)
    : out_(std::move(path)) {
    json links = json::array();
    for (const net::LinkSpec& l : spec.links) {
        links.push_back({{"from", spec.nodes[l.a].id}, {"to", spec.nodes[l.b].id}});
        links.push_back({{"from", spec.nodes[l.b].id}, {"to", spec.nodes[l.a].id}});
    }
    json servers = json::array();
    for (const model::NodeSpec& n : spec.nodes) {
        if (n.kind == net::NodeKind::Server)
            servers.push_back({{"id", n.id}, {"workers", n.server.workers}});
    }
    out_.line(json{{"timeseries", 1},
                   {"scenario", spec.name},
                   {"seed", spec.seed},
                   {"interval_ms", ms(spec.timeseries_interval)},
                   {"links", std::move(links)},
                   {"servers", std::move(servers)}}
                  .dump());
}

void TimeSeriesWriter::on_sample(const model::StateSample& s) {
    json qb = json::array(), qp = json::array(), util = json::array(), up = json::array();
    const Duration span = first_ ? Duration{0} : s.at - previous_.at;
    for (std::size_t i = 0; i < s.links.size(); ++i) {
        const auto& d = s.links[i];
        qb.push_back(d.queue_bytes);
        qp.push_back(d.queue_packets);
        up.push_back(d.up ? 1 : 0);
        double u = 0;
        if (span > Duration{0}) {
            // A transmission cut by a link failure leaves the busy total: clamp to [0, 1].
            u = static_cast<double>((d.busy - previous_.links[i].busy).count()) /
                static_cast<double>(span.count());
            u = std::clamp(u, 0.0, 1.0);
        }
        util.push_back(std::round(u * 1e6) / 1e6);
    }
    json sq = json::array(), sb = json::array(), ss = json::array();
    for (const auto& srv : s.servers) {
        sq.push_back(srv.queued);
        sb.push_back(srv.busy_workers);
        ss.push_back(srv.stored);
    }
    out_.line(json{{"t_ms", ms(s.at - kTimeZero)},
                   {"queue_bytes", std::move(qb)},
                   {"queue_packets", std::move(qp)},
                   {"utilization", std::move(util)},
                   {"link_up", std::move(up)},
                   {"server_queue", std::move(sq)},
                   {"server_busy", std::move(sb)},
                   {"server_stored", std::move(ss)}}
                  .dump());
    previous_ = s;
    first_ = false;
}

}  // namespace sim::io
