#include <botan/mem_ops.h>

#include <apiuser/secret.hpp>

namespace apiuser {

void wipe_memory(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) {
        Botan::secure_scrub_memory(data, size);
    }
}

bool operator==(const Secret& a, const Secret& b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    // Constant time, so that comparing secrets does not leak where they differ.
    return Botan::constant_time_compare(reinterpret_cast<const std::uint8_t*>(a.view().data()),
                                        reinterpret_cast<const std::uint8_t*>(b.view().data()), a.size());
}

}  // namespace apiuser
