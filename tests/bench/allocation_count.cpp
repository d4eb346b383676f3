// Counting replacements of the global allocation functions (C++17 [new.delete]): every
// form of operator new counts one allocation and forwards to malloc / aligned_alloc.
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include "report.hpp"

namespace {

std::atomic<std::uint64_t> g_allocations{0};

void* allocate(std::size_t n) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n == 0 ? 1 : n);
}

void* allocate_aligned(std::size_t n, std::align_val_t align) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    const auto a = static_cast<std::size_t>(align);
    // aligned_alloc wants a size that is a multiple of the alignment.
    const std::size_t size = n == 0 ? a : (n + a - 1) / a * a;
    return std::aligned_alloc(a, size);
}

void* allocate_or_throw(std::size_t n) {
    if (void* p = allocate(n)) return p;
    throw std::bad_alloc();
}

void* allocate_aligned_or_throw(std::size_t n, std::align_val_t align) {
    if (void* p = allocate_aligned(n, align)) return p;
    throw std::bad_alloc();
}

}  // namespace

namespace bench {
std::uint64_t allocation_count() {
    return g_allocations.load(std::memory_order_relaxed);
}
}  // namespace bench

void* operator new(std::size_t n) {
    return allocate_or_throw(n);
}
void* operator new[](std::size_t n) {
    return allocate_or_throw(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    return allocate(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    return allocate(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
    return allocate_aligned_or_throw(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a) {
    return allocate_aligned_or_throw(n, a);
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return allocate_aligned(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return allocate_aligned(n, a);
}

void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
