#include "sim/core/event_queue.hpp"

#include <algorithm>
#include <functional>
#include <limits>

#include "sim/core/check.hpp"

namespace sim {

std::string_view queue_kind_name(QueueKind k) {
    switch (k) {
        case QueueKind::Heap:
            return "heap";
        case QueueKind::CompactHeap:
            return "compact-heap";
        case QueueKind::Ladder:
            return "ladder";
    }
    return "?";
}

std::optional<QueueKind> parse_queue_kind(std::string_view name) {
    for (QueueKind k : {QueueKind::Heap, QueueKind::CompactHeap, QueueKind::Ladder}) {
        if (queue_kind_name(k) == name) return k;
    }
    return std::nullopt;
}

std::string_view queue_kind_names() {
    return "heap|compact-heap|ladder";
}

// --- 4-ary heaps ----------------------------------------------------------------------------

namespace {

/// Appends `item` to a d-ary min-heap: sift up with a hole (parents move down, `item` is
/// written once at its final place).
template <std::size_t kArity, class T, class Less>
void heap_push(std::vector<T>& heap, const T& item, Less less) {
    std::size_t i = heap.size();
    heap.emplace_back();
    while (i > 0) {
        const std::size_t parent = (i - 1) / kArity;
        if (!less(item, heap[parent])) break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = item;
}

/// Removes the front of a non-empty d-ary min-heap: the last element sifts down from the
/// root through a hole.
template <std::size_t kArity, class T, class Less>
void heap_pop(std::vector<T>& heap, Less less) {
    const T last = heap.back();
    heap.pop_back();
    const std::size_t n = heap.size();
    if (n == 0) return;
    std::size_t i = 0;
    for (;;) {
        const std::size_t first = i * kArity + 1;
        if (first >= n) break;
        std::size_t best = first;
        const std::size_t end = first + kArity < n ? first + kArity : n;
        for (std::size_t c = first + 1; c < end; ++c) {
            if (less(heap[c], heap[best])) best = c;
        }
        if (!less(heap[best], last)) break;
        heap[i] = heap[best];
        i = best;
    }
    heap[i] = last;
}

}  // namespace

// --- HeapQueue ---------------------------------------------------------------------------

void HeapQueue::push(const Event& e) {
    heap_push<kArity>(heap_, e, std::less<Event>{});
}

Event HeapQueue::pop() {
    const Event result = heap_.front();
    heap_pop<kArity>(heap_, std::less<Event>{});
    return result;
}

// --- CompactHeapQueue --------------------------------------------------------------------

void CompactHeapQueue::reserve(std::size_t n) {
    keys_.reserve(n);
    pool_.reserve(n);
    free_.reserve(n);
}

void CompactHeapQueue::push(const Event& e) {
    std::uint32_t index;
    if (!free_.empty()) {
        index = free_.back();
        free_.pop_back();
        pool_[index] = e;
    } else {
        index = static_cast<std::uint32_t>(pool_.size());
        pool_.push_back(e);
    }
    const Key key{e.when.time_since_epoch().count(), e.src, index};
    heap_push<kArity>(keys_, key, [this](const Key& x, const Key& y) { return less(x, y); });
}

Event CompactHeapQueue::pop() {
    const std::uint32_t top = keys_.front().index;
    const Event result = pool_[top];
    free_.push_back(top);
    heap_pop<kArity>(keys_, [this](const Key& x, const Key& y) { return less(x, y); });
    return result;
}

// --- LadderQueue -------------------------------------------------------------------------

namespace {

// Times are bucketed after clamping to +-2^61 ns (73 years): all bucket arithmetic then
// stays far from overflow. Clamping is monotone, so buckets still partition events in
// time order; events beyond the limit share buckets and are ordered when sorted.
constexpr std::int64_t kTickLimit = std::int64_t{1} << 61;
constexpr std::int64_t kMinTicks = -kTickLimit;
constexpr std::int64_t kMaxTicks = kTickLimit;

std::int64_t ticks(const Event& e) {
    return std::clamp(e.when.time_since_epoch().count(), kMinTicks, kMaxTicks);
}

/// Latest first, so that the earliest event is at the back of a vector.
bool later(const Event& a, const Event& b) {
    return b < a;
}

}  // namespace

LadderQueue::LadderQueue() : top_start_(kMinTicks - 1), top_min_(kMaxTicks), top_max_(kMinTicks) {}

void LadderQueue::reserve(std::size_t n) {
    pool_.reserve(n);
    next_.reserve(n);
    ticks_.reserve(n);
}

LadderQueue::Node LadderQueue::allocate(const Event& e) {
    Node n = free_;
    if (n != kNil) {
        free_ = next_[n];
        pool_[n] = e;
        ticks_[n] = ticks(e);
    } else {
        MSGSIM_CHECK(pool_.size() < kNil, "more than 2^32 - 1 pending events");
        n = static_cast<Node>(pool_.size());
        pool_.push_back(e);
        next_.push_back(kNil);
        ticks_.push_back(ticks(e));
    }
    return n;
}

void LadderQueue::push(const Event& e) {
    ++size_;
    const std::int64_t t = ticks(e);
    if (t >= top_start_) {
        const Node n = allocate(e);
        next_[n] = top_;
        top_ = n;
        top_min_ = std::min(top_min_, t);
        top_max_ = std::max(top_max_, t);
    } else {
        // Rungs from the coarsest (latest) down: the first whose untaken buckets reach t.
        std::size_t r = 0;
        for (; r < rung_count_; ++r) {
            Rung& g = rungs_[r];
            if (t >= g.cur_start) {
                const auto b = static_cast<std::size_t>(static_cast<std::uint64_t>(t - g.start) /
                                                        static_cast<std::uint64_t>(g.width));
                const Node n = allocate(e);
                next_[n] = g.heads[b];
                g.heads[b] = n;
                ++g.count;
                break;
            }
        }
        if (r == rung_count_) push_bottom(e);
    }
    if (bottom_.empty() && side_.empty()) refill();
}

void LadderQueue::push_bottom(const Event& e) {
    // Find e's place from the back (the earliest end), shifting at most kMaxShift records.
    std::size_t i = bottom_.size();
    const std::size_t limit = i > kMaxShift ? i - kMaxShift : 0;
    while (i > limit && bottom_[i - 1] < e)
        --i;
    if (i > 0 && i == limit && bottom_[i - 1] < e) {
        side_.push(e);
        if (side_.size() > kMaxSide && rung_count_ < kMaxRungs) rebuild_bottom();
        return;
    }
    bottom_.insert(bottom_.begin() + static_cast<std::ptrdiff_t>(i), e);
}

void LadderQueue::rebuild_bottom() {
    // Every event in bottom and side is earlier than the finest rung's untaken buckets (or
    // than top, with no rungs): a new finest rung over [earliest, that bound) takes them.
    const std::int64_t hi = rung_count_ > 0 ? rungs_[rung_count_ - 1].cur_start : top_start_;
    std::int64_t lo = hi;
    gathered_.clear();
    auto take = [&](const Event& e) {
        gathered_.push_back(allocate(e));
        lo = std::min(lo, ticks(e));
    };
    for (const Event& e : bottom_)
        take(e);
    bottom_.clear();
    while (!side_.empty())
        take(side_.pop());
    spread(rungs_[rung_count_], lo, hi - lo);
    ++rung_count_;
    refill();
}

Event LadderQueue::pop_slow() {
    Event result;
    if (side_.empty() || (!bottom_.empty() && bottom_.back() < side_.top())) {
        result = bottom_.back();
        bottom_.pop_back();
    } else {
        result = side_.pop();
    }
    --size_;
    if (bottom_.empty() && side_.empty() && size_ > 0) refill();
    return result;
}

void LadderQueue::gather(Node list) {
    gathered_.clear();
    for (Node i = list; i != kNil; i = next_[i]) {
        gathered_.push_back(i);
        __builtin_prefetch(&ticks_[i]);
    }
}

void LadderQueue::spread(Rung& r, std::int64_t start, std::int64_t span, std::size_t per_event) {
    // About `per_event` buckets per event, each `width` ns wide, covering [start, start + span).
    const std::size_t n = gathered_.size();
    const std::size_t buckets = std::clamp<std::size_t>(n * per_event, 1, kMaxBuckets);
    const auto u_span = static_cast<std::uint64_t>(span);
    const std::uint64_t width = std::max<std::uint64_t>((u_span + buckets - 1) / buckets, 1);
    r.start = start;
    r.width = static_cast<std::int64_t>(width);
    r.cur = 0;
    r.cur_start = start;
    r.buckets_used = buckets;
    r.count = n;
    if (r.heads.size() < buckets) r.heads.resize(buckets, kNil);
    for (const Node i : gathered_) {
        const auto b =
            static_cast<std::size_t>(static_cast<std::uint64_t>(ticks_[i] - start) / width);
        next_[i] = r.heads[b];
        r.heads[b] = i;
    }
}

void LadderQueue::refill() {
    while (size_ > 0) {
        if (rung_count_ == 0) {
            MSGSIM_CHECK(top_ != kNil, "ladder queue lost track of its events");
            // Spread top over rung 0, which then ends where top starts.
            Rung& g = rungs_[0];
            if (refills_ > 0) {
                const std::uint64_t per_refill = refilled_ / refills_;
                if (per_refill > 2 * kTargetBottom && density_ < kMaxDensity) {
                    density_ *= 2;
                } else if (per_refill < kTargetBottom / 2 && density_ > 1) {
                    density_ /= 2;
                }
            }
            refills_ = refilled_ = 0;
            gather(top_);
            spread(g, top_min_, top_max_ - top_min_ + 1, density_);
            top_start_ = g.start + g.width * static_cast<std::int64_t>(g.buckets_used);
            top_ = kNil;
            top_min_ = kMaxTicks;
            top_max_ = kMinTicks;
            rung_count_ = 1;
            continue;
        }
        Rung& g = rungs_[rung_count_ - 1];
        if (g.count == 0) {
            --rung_count_;
            continue;
        }
        while (g.heads[g.cur] == kNil)
            ++g.cur;
        gather(g.heads[g.cur]);
        g.heads[g.cur] = kNil;
        const std::int64_t bucket_start = g.start + static_cast<std::int64_t>(g.cur) * g.width;
        ++g.cur;
        g.cur_start = bucket_start + g.width;
        const std::size_t n = gathered_.size();
        g.count -= n;
        if (n > kSpawnThreshold && rung_count_ < kMaxRungs && g.width > 1) {
            // Too many for one sort: spread them over a finer child rung instead.
            spread(rungs_[rung_count_], bucket_start, g.width);
            ++rung_count_;
            continue;
        }
        // Only now are the records read: start loading them all, then copy.
        for (const Node i : gathered_)
            __builtin_prefetch(&pool_[i]);
        bottom_.clear();
        for (const Node i : gathered_) {
            bottom_.push_back(pool_[i]);
            next_[i] = free_;
            free_ = i;
        }
        std::sort(bottom_.begin(), bottom_.end(), later);
        ++refills_;
        refilled_ += n;
        return;
    }
}

}  // namespace sim
