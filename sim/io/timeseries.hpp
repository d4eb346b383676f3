// timeseries.jsonl: link queues and utilization, server queues and busy workers, sampled
// every output.timeseries.interval (or --timeseries) and streamed as the run goes.
#pragma once

#include <filesystem>

#include "sim/io/packet_trace.hpp"
#include "sim/model/simulation.hpp"

namespace sim::io {

/// Line 1 describes the columns: {"timeseries": 1, "scenario", "seed", "interval_ms",
/// "links": [{"from", "to"}...] (each link's two directions, as summary.json's links),
/// "servers": [{"id", "workers"}...]}. Every further line is one sample:
/// {"t_ms", "queue_bytes": [...], "queue_packets": [...], "utilization": [...],
///  "link_up": [...], "server_queue": [...], "server_busy": [...], "server_stored": [...]},
/// arrays in the order of the header. Queues and counts are the state at t_ms (after the
/// events of that instant); utilization is the share of the interval ending at t_ms the
/// transmitter was busy.
class TimeSeriesWriter {
public:
    TimeSeriesWriter(const model::ModelSpec& spec, std::filesystem::path path);
    void on_sample(const model::StateSample& s);
    void close() { out_.close(); }

private:
    JsonLinesWriter out_;
    model::StateSample previous_;
    bool first_ = true;
};

}  // namespace sim::io
