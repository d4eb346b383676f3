// One pending event: a small trivially copyable record stored by value in the future
// event set. Bulky data lives in pools owned by the entities; events carry an index.
#pragma once

#include <cstdint>
#include <tuple>
#include <type_traits>

#include "sim/core/time.hpp"

namespace sim {

/// Stable identity of a simulated entity, assigned from the scenario (not creation order).
using EntityId = std::uint32_t;
/// Kind of an event, interpreted by the receiving entity.
using EventKind = std::uint16_t;

/// An event. Equal times are ordered by (src, seq): the scheduling entity and that
/// entity's own count of events it has scheduled. Both are a pure function of the model,
/// so a run split over partitions executes every entity's events in the same order as a
/// sequential run. Never add a global insertion counter here: it encodes interleaving.
struct Event {
    Time when;
    std::uint64_t seq;        ///< src's own counter of scheduled events
    EntityId src;             ///< entity that scheduled the event
    EntityId dst;             ///< entity that receives it
    std::uint32_t slot = 0;   ///< port or sub-target inside the receiving entity
    std::uint32_t timer = 0;  ///< 0 for plain events, else timer slot + 1
    std::uint32_t gen = 0;    ///< timer generation; stale generations are skipped
    EventKind kind = 0;       ///< meaning is private to the receiving entity class
    std::uint64_t payload = 0;

    friend constexpr bool operator<(const Event& a, const Event& b) {
        return std::tie(a.when, a.src, a.seq) < std::tie(b.when, b.src, b.seq);
    }
};
static_assert(std::is_trivially_copyable_v<Event> && sizeof(Event) <= 48);

}  // namespace sim
