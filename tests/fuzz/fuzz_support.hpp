#pragma once

// What the fuzz targets share: splitting one input into fields, and failing loudly on a broken invariant
// (libFuzzer records an abort as a crash and keeps the input that caused it).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace apiuser::fuzz {

// The input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits `text` at NUL bytes into at most `max_fields` fields (the last one keeps any further NULs).
inline std::vector<std::string_view> split_fields(std::string_view text, std::size_t max_fields) {
    std::vector<std::string_view> fields;
    while (fields.size() + 1 < max_fields) {
        const auto nul = text.find('\0');
        if (nul == std::string_view::npos) {
            break;
        }
        fields.push_back(text.substr(0, nul));
        text.remove_prefix(nul + 1);
    }
    fields.push_back(text);
    return fields;
}

// Aborts with `what` when `condition` is false.
inline void require(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
        std::abort();
    }
}

}  // namespace apiuser::fuzz
