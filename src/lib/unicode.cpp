#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "unicode.hpp"

namespace apiuser::unicode {

namespace {

const std::uint8_t* bytes(std::string_view text) { return reinterpret_cast<const std::uint8_t*>(text.data()); }

struct FreeDeleter {
    void operator()(void* p) const noexcept { std::free(p); }
};

}  // namespace

bool is_valid_utf8(std::string_view text) { return u8_check(bytes(text), text.size()) == nullptr; }

std::size_t count_code_points(std::string_view text) { return u8_mbsnlen(bytes(text), text.size()); }

std::u32string decode(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    const auto* p = bytes(text);
    const auto* end = p + text.size();
    while (p < end) {
        ucs4_t c = 0;
        const int n = u8_mbtouc(&c, p, static_cast<std::size_t>(end - p));
        out.push_back(static_cast<char32_t>(c));
        p += n > 0 ? n : 1;
    }
    return out;
}

std::string encode(std::u32string_view code_points) {
    std::string out;
    out.reserve(code_points.size());
    for (char32_t c : code_points) {
        std::uint8_t buffer[6];
        const int n = u8_uctomb(buffer, static_cast<ucs4_t>(c), sizeof buffer);
        if (n > 0) {
            out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
        }
    }
    return out;
}

std::string nfkc(std::string_view text) {
    if (text.empty()) {
        return {};
    }
    std::size_t length = 0;
    std::unique_ptr<std::uint8_t, FreeDeleter> normal{u8_normalize(UNINORM_NFKC, bytes(text), text.size(), nullptr, &length)};
    if (!normal) {
        throw std::invalid_argument("unicode::nfkc needs valid UTF-8");
    }
    return {reinterpret_cast<const char*>(normal.get()), length};
}

std::string fold(std::string_view text) {
    if (text.empty()) {
        return {};
    }
    std::size_t length = 0;
    // A null language selects the locale-independent folding (no Turkish dotless-i special case).
    std::unique_ptr<std::uint8_t, FreeDeleter> folded{
        u8_casefold(bytes(text), text.size(), nullptr, UNINORM_NFKC, nullptr, &length)};
    if (!folded) {
        throw std::invalid_argument("unicode::fold needs valid UTF-8");
    }
    return {reinterpret_cast<const char*>(folded.get()), length};
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7f && c <= 0x9f); }

bool is_bidi_control(char32_t c) { return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069); }

}  // namespace apiuser::unicode
