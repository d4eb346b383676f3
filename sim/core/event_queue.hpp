// The future event set: an implicit 4-ary min-heap of Event records. Four children per
// node halve the tree depth of a binary heap and keep siblings in one cache line.
#pragma once

#include <cstddef>
#include <vector>

#include "sim/core/event.hpp"

namespace sim {

class EventQueue {
public:
    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    const Event& top() const { return heap_.front(); }
    void reserve(std::size_t n) { heap_.reserve(n); }

    void push(const Event& e);
    /// Removes and returns the earliest event. Precondition: !empty().
    Event pop();

private:
    static constexpr std::size_t kArity = 4;
    std::vector<Event> heap_;
};

}  // namespace sim
