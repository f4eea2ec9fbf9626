#include <vector>

#include <botan/system_rng.h>

#include <apiuser/random.hpp>

namespace apiuser {

void SystemRandom::fill(std::span<std::uint8_t> out) {
    Botan::system_rng().randomize(out.data(), out.size());
}

std::string random_hex(Random& random, std::size_t bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::vector<std::uint8_t> raw(bytes);
    random.fill(raw);
    std::string hex;
    hex.reserve(2 * bytes);
    for (auto b : raw) {
        hex.push_back(digits[b >> 4]);
        hex.push_back(digits[b & 0x0f]);
    }
    return hex;
}

}  // namespace apiuser
