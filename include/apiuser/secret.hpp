#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace apiuser {

// Overwrites `size` bytes at `data` in a way the optimiser cannot elide.
void wipe_memory(void* data, std::size_t size) noexcept;

// An allocator that wipes every block before giving it back, so that no copy of a secret survives
// a vector's growth or destruction.
template <class T>
struct WipingAllocator {
    using value_type = T;

    WipingAllocator() = default;
    template <class U>
    WipingAllocator(const WipingAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        wipe_memory(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }

    template <class U>
    bool operator==(const WipingAllocator<U>&) const noexcept {
        return true;
    }
};

// A password or other secret held in memory that is wiped when released. Deliberately not
// printable and not implicitly convertible to std::string, so that it cannot leak into a message.
class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string_view bytes) : bytes_(bytes.begin(), bytes.end()) {}

    std::string_view view() const noexcept { return {bytes_.data(), bytes_.size()}; }
    std::size_t size() const noexcept { return bytes_.size(); }
    bool empty() const noexcept { return bytes_.empty(); }

    void append(std::string_view bytes) { bytes_.insert(bytes_.end(), bytes.begin(), bytes.end()); }
    void push_back(char c) { bytes_.push_back(c); }
    void pop_back() { bytes_.pop_back(); }
    // Makes room up front so that appending does not reallocate (each reallocation is wiped anyway).
    void reserve(std::size_t n) { bytes_.reserve(n); }
    void clear() noexcept {
        wipe_memory(bytes_.data(), bytes_.size());
        bytes_.clear();
    }

    friend bool operator==(const Secret& a, const Secret& b) noexcept;

  private:
    std::vector<char, WipingAllocator<char>> bytes_;
};

}  // namespace apiuser
