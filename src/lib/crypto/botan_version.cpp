#include "crypto/botan_version.hpp"

#include <botan/version.h>
#include <fmt/format.h>

namespace apiuser::crypto {

std::string botan_version() {
    return fmt::format("{}.{}.{}", Botan::version_major(), Botan::version_minor(), Botan::version_patch());
}

}  // namespace apiuser::crypto
