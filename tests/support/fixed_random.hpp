#pragma once

#include <cstdint>
#include <span>

#include <apiuser/random.hpp>

namespace apiuser::test {

// A seeded, reproducible Random (SplitMix64): the same seed gives the same usernames, salts and passwords.
class FixedRandom final : public Random {
  public:
    explicit FixedRandom(std::uint64_t seed = 1) : state_(seed) {}

    void fill(std::span<std::uint8_t> out) override {
        for (auto& byte : out) {
            byte = static_cast<std::uint8_t>(next() >> 56);
        }
    }

  private:
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    std::uint64_t state_;
};

// A Random that always yields the same byte: forces id collisions.
class StuckRandom final : public Random {
  public:
    void fill(std::span<std::uint8_t> out) override {
        for (auto& byte : out) {
            byte = 0x42;
        }
    }
};

}  // namespace apiuser::test
