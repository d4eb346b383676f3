// A byte buffer for what parallel runs send between ranks: plain values and arrays of
// them, in the writer's order. Every rank runs the same binary, so host layout is fine.
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "sim/core/check.hpp"

namespace sim {

class ByteWriter {
public:
    explicit ByteWriter(std::vector<std::byte>& out) : out_(out) {}
    template <class T>
    void put(const T& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        const std::size_t at = out_.size();
        out_.resize(at + sizeof(T));
        std::memcpy(out_.data() + at, &v, sizeof(T));
    }
    template <class T>
    void put_all(std::span<const T> v) {
        static_assert(std::is_trivially_copyable_v<T>);
        put<std::uint64_t>(v.size());
        const std::size_t at = out_.size();
        out_.resize(at + v.size_bytes());
        if (!v.empty()) std::memcpy(out_.data() + at, v.data(), v.size_bytes());
    }

private:
    std::vector<std::byte>& out_;
};

class ByteReader {
public:
    explicit ByteReader(std::span<const std::byte> in) : in_(in) {}
    template <class T>
    T get() {
        static_assert(std::is_trivially_copyable_v<T>);
        MSGSIM_CHECK(in_.size() >= sizeof(T), "ByteReader: truncated input");
        T v;
        std::memcpy(&v, in_.data(), sizeof(T));
        in_ = in_.subspan(sizeof(T));
        return v;
    }
    template <class T>
    void get_all(std::vector<T>& v) {
        const auto n = get<std::uint64_t>();
        MSGSIM_CHECK(in_.size() >= n * sizeof(T), "ByteReader: truncated array");
        v.resize(n);
        if (n != 0) std::memcpy(v.data(), in_.data(), n * sizeof(T));
        in_ = in_.subspan(n * sizeof(T));
    }
    bool done() const { return in_.empty(); }

private:
    std::span<const std::byte> in_;
};

}  // namespace sim
