#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace apiuser {

// The source of randomness, injected so that tests can be reproducible.
class Random {
  public:
    virtual ~Random() = default;
    // Fills `out` with random bytes.
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

// The operating system's cryptographic generator (getrandom), through Botan's System_RNG.
class SystemRandom final : public Random {
  public:
    void fill(std::span<std::uint8_t> out) override;
};

// Returns `bytes` random bytes from `random` as lowercase hexadecimal (2 * bytes characters).
std::string random_hex(Random& random, std::size_t bytes);

}  // namespace apiuser
