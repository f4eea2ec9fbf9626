#include <botan/version.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistring/version.h>

#include <apiuser/version.hpp>

namespace apiuser {

std::vector<std::pair<std::string, std::string>> library_versions() {
    return {
        {"SQLite", sqlite3_libversion()},
        {"Botan", fmt::format("{}.{}.{}", Botan::version_major(), Botan::version_minor(), Botan::version_patch())},
        {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
        {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                      NLOHMANN_JSON_VERSION_PATCH)},
        // Since libunistring 1.0 the version is (major << 16) | (minor << 8) | subminor.
        {"libunistring", fmt::format("{}.{}.{}", _libunistring_version >> 16, (_libunistring_version >> 8) & 0xff,
                                     _libunistring_version & 0xff)},
    };
}

}  // namespace apiuser
