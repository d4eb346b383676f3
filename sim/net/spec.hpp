// What the network is made of, as validated input: nodes' places, links and their loss
// and queue models. Filled by sim/scenario, consumed by Topology and Link.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/core/time.hpp"

namespace sim::net {

/// Dense index of a node in the scenario's node list (also its entity id).
using NodeIndex = std::uint32_t;
inline constexpr NodeIndex kNoNode = UINT32_MAX;

enum class NodeKind : std::uint8_t { Phone, Router, Server };

/// A point on the Earth, in degrees (WGS 84).
struct Location {
    double lat = 0;
    double lon = 0;
};

/// Great-circle distance in metres (haversine, mean Earth radius 6371.0088 km).
double great_circle_m(const Location& a, const Location& b);
/// Propagation delay over `metres` of fibre at 2/3 of the speed of light, rounded to ns.
Duration fibre_delay(double metres);

/// Packet loss model of one link direction.
struct LossSpec {
    enum class Model : std::uint8_t { None, Bernoulli, GilbertElliott };
    Model model = Model::None;
    double p = 0;  ///< Bernoulli loss probability
    // Gilbert-Elliott two-state Markov chain, stepped once per packet.
    double p_good_bad = 0;
    double p_bad_good = 1;
    double loss_good = 0;
    double loss_bad = 0;
};

/// Capacity of one direction's drop-tail queue (packets waiting, not the one on the wire).
struct QueueSpec {
    enum class Unit : std::uint8_t { Bytes, Packets };
    Unit unit = Unit::Bytes;
    std::uint64_t capacity = 1 << 20;
};

/// Random Early Detection (Floyd & Jacobson, 1993) on a drop-tail queue: arrivals are
/// dropped with a probability that grows with the average queue, before it is full.
struct RedSpec {
    bool enabled = false;
    double min = 0;         ///< average queue (in the queue's unit) below which nothing drops
    double max = 0;         ///< average queue at and above which every arrival drops
    double p_max = 0.1;     ///< drop probability as the average reaches `max`
    double weight = 0.002;  ///< EWMA weight of each arrival's instantaneous queue
};

/// A full-duplex link; each direction has its own queue and loss state, same parameters.
struct LinkSpec {
    NodeIndex a = kNoNode;  ///< "from" in the scenario
    NodeIndex b = kNoNode;  ///< "to" in the scenario
    Duration latency{0};    ///< one-way propagation delay
    std::uint64_t bandwidth_bps = 0;
    LossSpec loss;
    QueueSpec queue;
    RedSpec red;
    std::string profile;  ///< access profile it came from, if any (for reports)
};

}  // namespace sim::net
