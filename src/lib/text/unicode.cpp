#include "text/unicode.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <new>
#include <stdexcept>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

namespace apiuser::unicode {

namespace {

static_assert(sizeof(char32_t) == sizeof(ucs4_t), "code points are passed to libunistring as they are");

const std::uint8_t* bytes(std::string_view text) {
    return reinterpret_cast<const std::uint8_t*>(text.data());
}

const ucs4_t* units(std::span<const char32_t> code_points) {
    return reinterpret_cast<const ucs4_t*>(code_points.data());
}

// Runs a libunistring transformation `call(s, n, resultbuf, lengthp)` with a result buffer of ours, sized
// by max_transformed_length: libunistring then writes straight into it and never grows it with malloc and
// realloc, which would leave unwiped copies of a password on the heap. Should the bound ever be too small,
// libunistring's own buffer is wiped and freed and the error reported, rather than silently leaked.
template <class Transformation>
SecretCodePoints transform(std::span<const char32_t> input, Transformation call) {
    if (input.empty()) {
        return {};
    }
    SecretCodePoints output(max_transformed_length(input));
    auto* buffer = reinterpret_cast<ucs4_t*>(output.data());
    std::size_t length = output.size();
    ucs4_t* result = call(units(input), input.size(), buffer, &length);
    if (result == nullptr) {
        if (errno == ENOMEM) {
            throw std::bad_alloc();
        }
        throw std::invalid_argument("unicode: not a sequence of Unicode scalar values");
    }
    if (result != buffer) {
        wipe_memory(result, length * sizeof(ucs4_t));
        std::free(result);
        throw std::logic_error("unicode: max_transformed_length is smaller than a libunistring result");
    }
    output.resize(length);
    return output;
}

// Decodes `text` into a container of code points, each ill-formed sequence becoming U+FFFD.
template <class CodePoints>
CodePoints decode_into(std::string_view text) {
    CodePoints out;
    out.reserve(text.size());  // never more code points than bytes: no reallocation
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

// ASCII text is its own NFC, NFD, NFKC and NFKD (no ASCII character decomposes or composes), and its case
// folding is its lowercase: the usual password, email and company name skip libunistring, which costs
// microseconds a call.
bool is_ascii(std::span<const char32_t> code_points) {
    return std::all_of(code_points.begin(), code_points.end(), [](char32_t c) { return c < 0x80; });
}

SecretCodePoints normalize(uninorm_t form, std::span<const char32_t> input) {
    if (is_ascii(input)) {
        return {input.begin(), input.end()};
    }
    return transform(input, [form](const ucs4_t* s, std::size_t n, ucs4_t* resultbuf, std::size_t* lengthp) {
        return u32_normalize(form, s, n, resultbuf, lengthp);
    });
}

// Full case folding of each character alone (toCasefold). A null language selects the locale-independent
// folding: no Turkish or Lithuanian special case, whatever the process locale.
SecretCodePoints case_fold(std::span<const char32_t> input) {
    if (is_ascii(input)) {
        SecretCodePoints lower(input.begin(), input.end());
        for (char32_t& c : lower) {
            c = c >= U'A' && c <= U'Z' ? c - U'A' + U'a' : c;
        }
        return lower;
    }
    return transform(input, [](const ucs4_t* s, std::size_t n, ucs4_t* resultbuf, std::size_t* lengthp) {
        return u32_casefold(s, n, nullptr, nullptr, resultbuf, lengthp);
    });
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    return u8_check(bytes(text), text.size()) == nullptr;
}

std::size_t count_code_points(std::string_view text) {
    return u8_mbsnlen(bytes(text), text.size());
}

std::u32string decode(std::string_view text) {
    return decode_into<std::u32string>(text);
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
    if (!is_valid_utf8(text)) {
        throw std::invalid_argument("unicode::nfkc needs valid UTF-8");
    }
    const auto normal = nfkc(decode_secret(text));
    return encode({normal.data(), normal.size()});
}

std::string fold(std::string_view text) {
    if (!is_valid_utf8(text)) {
        throw std::invalid_argument("unicode::fold needs valid UTF-8");
    }
    const auto folded = fold(decode_secret(text));
    return encode({folded.data(), folded.size()});
}

bool is_control(char32_t c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

bool is_bidi_control(char32_t c) {
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// The ASCII answers are spelled out because the policy asks these of every character several times, and a
// table lookup in libunistring costs more than the rest of the check (the unit test compares them all).
bool is_default_ignorable(char32_t c) {
    return c >= 0x80 && uc_is_property_default_ignorable_code_point(c);
}

bool is_letter(char32_t c) {
    if (c < 0x80) {
        return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
    }
    return uc_is_general_category(c, UC_CATEGORY_L) || is_mark(c);
}

bool is_mark(char32_t c) {
    return c >= 0x80 && uc_is_general_category(c, UC_CATEGORY_M);
}

bool is_digit(char32_t c) {
    if (c < 0x80) {
        return c >= U'0' && c <= U'9';
    }
    return uc_is_general_category(c, UC_CATEGORY_N);
}

SecretCodePoints decode_secret(std::string_view text) {
    return decode_into<SecretCodePoints>(text);
}

Secret encode_secret(std::span<const char32_t> code_points) {
    Secret out;
    out.reserve(4 * code_points.size());  // the longest UTF-8 sequence: no reallocation
    std::uint8_t buffer[4];
    for (char32_t c : code_points) {
        const int n = u8_uctomb(buffer, static_cast<ucs4_t>(c), sizeof buffer);
        if (n > 0) {
            out.append({reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n)});
        }
    }
    wipe_memory(buffer, sizeof buffer);
    return out;
}

SecretCodePoints nfkc(std::span<const char32_t> code_points) {
    return normalize(UNINORM_NFKC, code_points);
}

SecretCodePoints fold(std::span<const char32_t> code_points) {
    // What u32_casefold(X, NULL, UNINORM_NFKC) does (Unicode's compatibility caseless matching), one step at
    // a time so that each intermediate result lives in a buffer of ours that is wiped.
    const auto decomposed = normalize(UNINORM_NFD, code_points);
    const auto folded_once = case_fold(decomposed);
    const auto compatible = normalize(UNINORM_NFKD, folded_once);
    const auto folded_twice = case_fold(compatible);
    return normalize(UNINORM_NFKC, folded_twice);
}

SecretCodePoints without_default_ignorables(std::span<const char32_t> code_points) {
    SecretCodePoints out;
    out.reserve(code_points.size());
    for (char32_t c : code_points) {
        if (!is_default_ignorable(c)) {
            out.push_back(c);
        }
    }
    return out;
}

std::size_t max_transformed_length(std::span<const char32_t> code_points) {
    std::size_t length = 0;
    for (char32_t c : code_points) {
        length += c < 0x80 ? 1 : max_expansion;
    }
    return length;
}

}  // namespace apiuser::unicode
