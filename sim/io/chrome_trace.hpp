// --chrome-trace: DIR/chrome_trace.json in the Trace Event Format that Perfetto UI
// (ui.perfetto.dev) and chrome://tracing open. One process per node; its threads are lanes:
// for each link direction one transmitter lane ("ph":"X" slices, one per transmission) and
// queue lanes (one slice per packet's wait), plus processing lanes (sender stages, server
// wait and service, device stages). Flow arrows (bind_id) follow each packet copy from hop to
// hop. Packet slices are streamed as the run goes; processing slices come from the journal
// at the end, so memory holds only the packets in flight and the lanes' ends.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/io/packet_trace.hpp"
#include "sim/model/simulation.hpp"

namespace sim::io {

class ChromeTrace final : public model::PacketObserver {
public:
    ChromeTrace(const model::ModelSpec& spec, std::filesystem::path path);
    void on_packet(Time t, What what, net::NodeIndex at, net::NodeIndex next,
                   const model::Packet& p) override;
    /// Adds the processing slices of every message from the run's journal, then finishes
    /// the file and renames it into place.
    void finish(const model::RunResult& result);

private:
    /// Lanes of one kind on one node: slices never overlap within a lane.
    struct Lanes {
        std::string name;
        std::vector<std::pair<std::uint32_t, Time>> lanes;  ///< (tid, end of last slice)
    };
    std::uint32_t lane_for(net::NodeIndex node, Lanes& lanes, Time start, Time end);
    Lanes& port_lanes(net::NodeIndex node, net::NodeIndex peer, bool queue);
    void slice(net::NodeIndex node, std::uint32_t tid, const std::string& name, const char* cat,
               Time start, Time end, const std::string& extra);
    void emit(const std::string& event);

    const model::ModelSpec& spec_;
    JsonLinesWriter out_;
    bool first_ = true;
    /// Thread ids are global in the format (Perfetto names threads by tid alone); 1..N are
    /// the nodes' processes, lanes take the next ones.
    std::uint32_t next_tid_;
    std::unordered_map<std::uint64_t, Lanes> port_lanes_;  ///< by (node, peer, queue?)
    std::unordered_map<std::uint64_t, Time> arrived_;      ///< (node, packet copy) -> arrival
    std::vector<Lanes> receive_lanes_;                     ///< per node
};

}  // namespace sim::io
