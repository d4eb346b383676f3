// ChunkedVector: an append-only sequence stored in fixed-size chunks. Appending never moves
// what is stored (references stay valid) and never needs the old and the new buffer at once,
// so a journal of millions of records grows by one chunk at a time instead of doubling
// (which briefly needs three times the data, and keeps up to half of it unused).
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace sim {

template <class T, std::size_t kChunk = 1024>
class ChunkedVector {
public:
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    T& operator[](std::size_t i) { return chunks_[i / kChunk][i % kChunk]; }
    const T& operator[](std::size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
    T& back() { return (*this)[size_ - 1]; }

    void push_back(T value) {
        if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<T[]>(kChunk));
        (*this)[size_] = std::move(value);
        ++size_;
    }

    template <class Owner, class V>
    class Iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = V*;
        using reference = V&;
        Iterator(Owner* owner, std::size_t i) : owner_(owner), i_(i) {}
        reference operator*() const { return (*owner_)[i_]; }
        pointer operator->() const { return &(*owner_)[i_]; }
        Iterator& operator++() {
            ++i_;
            return *this;
        }
        Iterator operator++(int) {
            Iterator old = *this;
            ++i_;
            return old;
        }
        bool operator==(const Iterator& o) const { return i_ == o.i_; }

    private:
        Owner* owner_;
        std::size_t i_;
    };
    using iterator = Iterator<ChunkedVector, T>;
    using const_iterator = Iterator<const ChunkedVector, const T>;
    iterator begin() { return {this, 0}; }
    iterator end() { return {this, size_}; }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size_}; }

private:
    std::vector<std::unique_ptr<T[]>> chunks_;
    std::size_t size_ = 0;
};

}  // namespace sim
