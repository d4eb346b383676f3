// The future event set, three interchangeable implementations with one interface
// (empty, size, top, ahead, push, pop, reserve), all popping in exactly Event's (when, src, seq)
// order: a 4-ary heap of records, a compact heap of 16-byte keys over a record pool, and a
// ladder queue. The Scheduler holds one of them, chosen per run (QueueKind); the
// benchmarks in tests/bench measure all three, and kDefaultQueue is the fastest there.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/core/event.hpp"

namespace sim {

enum class QueueKind : std::uint8_t { Heap, CompactHeap, Ladder };

/// The queue used when none is asked for (chosen by tests/bench measurements).
inline constexpr QueueKind kDefaultQueue = QueueKind::Ladder;
/// "heap", "compact-heap", "ladder".
std::string_view queue_kind_name(QueueKind k);
/// The kind named `name`, or nullopt.
std::optional<QueueKind> parse_queue_kind(std::string_view name);
/// "heap|compact-heap|ladder", for help texts and error messages.
std::string_view queue_kind_names();

/// An implicit 4-ary min-heap of Event records. Four children per node halve the depth of
/// a binary heap; each sift step moves a whole 48-byte record.
class HeapQueue {
public:
    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    const Event& top() const { return heap_.front(); }
    /// The event popped k pops from now, if cheaply known (a prefetch hint); else nullptr.
    const Event* ahead(std::size_t /*k*/) const { return nullptr; }
    void reserve(std::size_t n) { heap_.reserve(n); }

    void push(const Event& e);
    /// Removes and returns the earliest event. Precondition: !empty().
    Event pop();

private:
    static constexpr std::size_t kArity = 4;
    std::vector<Event> heap_;
};

/// A 4-ary heap of 16-byte keys (when, src, pool index) while the records stay put in a
/// pool with a LIFO free list: four children fill one 64-byte cache line and a sift step
/// moves 16 bytes. seq is read from the pool only when when and src both tie.
class CompactHeapQueue {
public:
    bool empty() const { return keys_.empty(); }
    std::size_t size() const { return keys_.size(); }
    const Event& top() const { return pool_[keys_.front().index]; }
    const Event* ahead(std::size_t /*k*/) const { return nullptr; }
    void reserve(std::size_t n);

    void push(const Event& e);
    Event pop();

private:
    struct Key {
        std::int64_t when;
        EntityId src;
        std::uint32_t index;
    };
    static_assert(sizeof(Key) == 16);
    static constexpr std::size_t kArity = 4;
    bool less(const Key& a, const Key& b) const {
        if (a.when != b.when) return a.when < b.when;
        if (a.src != b.src) return a.src < b.src;
        return pool_[a.index].seq < pool_[b.index].seq;
    }
    std::vector<Key> keys_;
    std::vector<Event> pool_;
    std::vector<std::uint32_t> free_;
};

/// A ladder queue (Tang, Goh and Thng, ACM TOMACS 15(3), 2005): amortized O(1) per event.
/// Far events wait unsorted in `top`; when the near ones run out, top is spread over the
/// buckets of rung 0 (by time; about one bucket per event, or more, adaptively, when the
/// events scheduled after the spread crowd the buckets); the earliest non-empty bucket
/// is either spread over a finer child rung (if it holds many events) or sorted into
/// `bottom`, from which events pop. Ranges never overlap: bottom < rung k < ... < rung 0 <
/// top, so the full (when, src, seq) order is only ever decided inside bottom.
/// Top and buckets are singly linked lists of records in one pool with a LIFO free list,
/// so a push writes a recently freed (cached) record and one 4-byte bucket head, and once
/// the pool and bucket arrays have grown to the peak, nothing is allocated. The links and
/// each record's time live in their own compact arrays: spreading a list over a rung reads
/// only those (12 bytes per event, cache-resident for tens of thousands of pending events),
/// and a record itself is read once, when its bucket is sorted into bottom, with the whole
/// bucket prefetched first so that the cache misses overlap instead of queueing.
class LadderQueue {
public:
    LadderQueue();
    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    /// Precondition: !empty(). Invariant: a non-empty queue has a non-empty bottom or side.
    const Event& top() const {
        if (side_.empty() || (!bottom_.empty() && bottom_.back() < side_.top()))
            return bottom_.back();
        return side_.top();
    }
    /// The event k pops after top() while bottom alone holds the next events (the common
    /// case), else nullptr: lets the scheduler start loading what later events will touch.
    const Event* ahead(std::size_t k) const {
        return side_.empty() && k < bottom_.size() ? &bottom_[bottom_.size() - 1 - k] : nullptr;
    }
    void reserve(std::size_t n);
    /// Buckets of rung 0 per event of top at the last spread (1 to kMaxDensity).
    std::size_t bucket_density() const { return density_; }

    void push(const Event& e);
    Event pop() {
        if (side_.empty() && bottom_.size() > 1) {  // the common case, inline
            --size_;
            const Event e = bottom_.back();
            bottom_.pop_back();
            return e;
        }
        return pop_slow();
    }

private:
    using Node = std::uint32_t;
    static constexpr Node kNil = ~Node{0};
    struct Rung {
        std::int64_t start = 0;      ///< time of bucket 0
        std::int64_t width = 1;      ///< ns per bucket
        std::int64_t cur_start = 0;  ///< start of the first bucket not yet taken
        std::size_t cur = 0;         ///< first bucket not yet taken
        std::size_t buckets_used = 0;
        std::size_t count = 0;    ///< events in this rung's buckets
        std::vector<Node> heads;  ///< first record of each bucket's list
    };
    static constexpr std::size_t kMaxRungs = 8;
    /// A bucket with more events than this is spread over a child rung (the paper's THRES).
    static constexpr std::size_t kSpawnThreshold = 50;
    static constexpr std::size_t kMaxBuckets = std::size_t{1} << 21;
    /// Inserting into bottom would shift more records than this: use the side heap...
    static constexpr std::size_t kMaxShift = 32;
    /// ...until it holds this many; then bottom and side are spread over a new rung.
    static constexpr std::size_t kMaxSide = 4096;
    /// Rung 0 gets `density_` buckets per event of top. The paper's one per event suits
    /// events scheduled far ahead; in a network most are scheduled after the spread, a hop
    /// or a transmission ahead, and pile into the buckets already there: a bottom of tens
    /// of events, each insertion shifting many. So the density follows the bottom's size
    /// at the refills since the last spread, doubled above twice kTargetBottom, halved below
    /// half of it. The order of events does not depend on it.
    static constexpr std::size_t kTargetBottom = 4;
    static constexpr std::size_t kMaxDensity = 64;

    Event pop_slow();
    Node allocate(const Event& e);
    void push_bottom(const Event& e);
    /// Moves bottom and side back into a new finest rung (when side grew large).
    void rebuild_bottom();
    /// Fills bottom from the rungs (and top). Precondition: bottom and side are empty.
    void refill();
    /// Collects the records of `list` into gathered_, prefetching each.
    void gather(Node list);
    /// Sets up `r` with buckets over [start, start + span) and moves the gathered_ records
    /// into them.
    void spread(Rung& r, std::int64_t start, std::int64_t span, std::size_t per_event = 1);

    std::size_t size_ = 0;
    std::vector<Event> pool_;
    std::vector<Node> next_;           ///< next record in the same list (or the free list)
    std::vector<std::int64_t> ticks_;  ///< each record's clamped time (ticks(pool_[i]))
    Node free_ = kNil;
    std::vector<Node> gathered_;  ///< scratch: the records of the list being taken
    Node top_ = kNil;
    std::int64_t top_start_;  ///< events at or after this time go to top
    std::int64_t top_min_;
    std::int64_t top_max_;
    std::array<Rung, kMaxRungs> rungs_;
    std::size_t rung_count_ = 0;
    std::vector<Event> bottom_;                 ///< sorted, latest first: pops from the back
    std::size_t density_ = 1;                   ///< buckets of rung 0 per event of top
    std::uint64_t refills_ = 0, refilled_ = 0;  ///< since the last spread of top
    HeapQueue side_;  ///< early events that would shift much of bottom (rare)
};

}  // namespace sim
