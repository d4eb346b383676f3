#include "sim/core/event_queue.hpp"

#include <utility>

namespace sim {

void EventQueue::push(const Event& e) {
    // Sift up with a hole: move parents down, write `e` once at its final place.
    std::size_t i = heap_.size();
    heap_.emplace_back();
    while (i > 0) {
        const std::size_t parent = (i - 1) / kArity;
        if (!(e < heap_[parent])) break;
        heap_[i] = heap_[parent];
        i = parent;
    }
    heap_[i] = e;
}

Event EventQueue::pop() {
    Event result = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return result;
    std::size_t i = 0;
    for (;;) {
        const std::size_t first = i * kArity + 1;
        if (first >= n) break;
        std::size_t best = first;
        const std::size_t end = first + kArity < n ? first + kArity : n;
        for (std::size_t c = first + 1; c < end; ++c) {
            if (heap_[c] < heap_[best]) best = c;
        }
        if (!(heap_[best] < last)) break;
        heap_[i] = heap_[best];
        i = best;
    }
    heap_[i] = last;
    return result;
}

}  // namespace sim
