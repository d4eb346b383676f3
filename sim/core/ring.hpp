// Ring: a FIFO queue in one growable circular buffer. Unlike std::deque, an empty Ring owns
// no memory (libstdc++'s deque allocates about 600 bytes at construction), so the many
// ports and servers of a large population cost nothing until they queue something; a busy
// one grows to its high-water mark once and then never allocates again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "sim/core/check.hpp"

namespace sim {

template <class T>
class Ring {
public:
    Ring() = default;
    Ring(const Ring& other) { *this = other; }
    Ring& operator=(const Ring& other) {
        if (this == &other) return *this;
        clear();
        for (std::size_t i = 0; i < other.size_; ++i)
            push_back(other[i]);
        return *this;
    }
    Ring(Ring&& other) noexcept { swap(other); }
    Ring& operator=(Ring&& other) noexcept {
        Ring(std::move(other)).swap(*this);
        return *this;
    }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return capacity_; }

    void push_back(const T& value) {
        if (size_ == capacity_) grow();
        data_[(head_ + size_) & (capacity_ - 1)] = value;
        ++size_;
    }
    T& front() {
        MSGSIM_CHECK(size_ > 0, "front() of an empty ring");
        return data_[head_];
    }
    const T& front() const {
        MSGSIM_CHECK(size_ > 0, "front() of an empty ring");
        return data_[head_];
    }
    void pop_front() {
        MSGSIM_CHECK(size_ > 0, "pop_front() of an empty ring");
        head_ = (head_ + 1) & (capacity_ - 1);
        --size_;
    }
    /// The i-th element from the front.
    const T& operator[](std::size_t i) const { return data_[(head_ + i) & (capacity_ - 1)]; }
    T& operator[](std::size_t i) { return data_[(head_ + i) & (capacity_ - 1)]; }
    /// Empties the ring; keeps its memory.
    void clear() {
        head_ = 0;
        size_ = 0;
    }

    void swap(Ring& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(capacity_, other.capacity_);
        std::swap(head_, other.head_);
        std::swap(size_, other.size_);
    }

private:
    void grow() {
        MSGSIM_CHECK(capacity_ < (std::uint32_t{1} << 31), "ring capacity overflow");
        const std::uint32_t capacity = capacity_ == 0 ? 4 : 2 * capacity_;
        auto data = std::make_unique<T[]>(capacity);
        for (std::size_t i = 0; i < size_; ++i)
            data[i] = std::move((*this)[i]);
        data_ = std::move(data);
        capacity_ = capacity;
        head_ = 0;
    }

    // 32-bit counts keep a Ring at 24 bytes, so it shares a cache line with a port's
    // counters (net::Port).
    std::unique_ptr<T[]> data_;
    std::uint32_t capacity_ = 0;  ///< 0 or a power of two
    std::uint32_t head_ = 0;
    std::uint32_t size_ = 0;
};

}  // namespace sim
