#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistring/version.h>

#include <apiuser/version.hpp>

#include "crypto/botan_version.hpp"
#include "store/backend.hpp"

namespace apiuser {

std::vector<std::pair<std::string, std::string>> library_versions() {
    auto versions = store::backend_library_versions();
    versions.insert(
        versions.end(),
        {
            {"Botan", crypto::botan_version()},
            {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
            {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                          NLOHMANN_JSON_VERSION_PATCH)},
            // Since libunistring 1.0 the version is (major << 16) | (minor << 8) | subminor.
            {"libunistring", fmt::format("{}.{}.{}", _libunistring_version >> 16, (_libunistring_version >> 8) & 0xff,
                                         _libunistring_version & 0xff)},
        });
    return versions;
}

}  // namespace apiuser
