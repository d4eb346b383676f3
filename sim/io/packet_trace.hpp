// Streamed JSON Lines traces (--trace packets|events): one line per packet hop or per
// event, written as the run goes, so a large run never holds its trace in memory.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/event.hpp"
#include "sim/model/spec.hpp"
#include "sim/model/world.hpp"

namespace sim::io {

/// Writes one JSON object per line to a file that is renamed into place on close().
class JsonLinesWriter {
public:
    explicit JsonLinesWriter(std::filesystem::path path);
    ~JsonLinesWriter();
    JsonLinesWriter(const JsonLinesWriter&) = delete;
    JsonLinesWriter& operator=(const JsonLinesWriter&) = delete;
    void line(const std::string& s);
    /// Flushes and renames the finished file into place.
    void close();

private:
    std::filesystem::path path_;
    std::filesystem::path tmp_;
    std::FILE* f_ = nullptr;
};

/// --trace packets: every hop of every packet.
class PacketTrace final : public model::PacketObserver {
public:
    PacketTrace(const model::ModelSpec& spec, std::filesystem::path path);
    void on_packet(Time t, What what, net::NodeIndex at, net::NodeIndex next,
                   const model::Packet& p) override;
    void close() { out_.close(); }

private:
    const model::ModelSpec& spec_;
    JsonLinesWriter out_;
};

/// Passes every packet hop to several observers (a packet trace and exports together).
class PacketFanout final : public model::PacketObserver {
public:
    void add(model::PacketObserver* o) { observers_.push_back(o); }
    bool empty() const { return observers_.empty(); }
    void on_packet(Time t, What what, net::NodeIndex at, net::NodeIndex next,
                   const model::Packet& p) override {
        for (model::PacketObserver* o : observers_)
            o->on_packet(t, what, at, next, p);
    }

private:
    std::vector<model::PacketObserver*> observers_;
};

/// --trace events: every event the kernel executes.
class EventTrace {
public:
    EventTrace(const model::ModelSpec& spec, std::filesystem::path path);
    void on_event(const Event& e);
    void close() { out_.close(); }

private:
    const model::ModelSpec& spec_;
    JsonLinesWriter out_;
};

}  // namespace sim::io
