#pragma once

// Unicode helpers over libunistring, so that no Unicode table is hand-made and nothing depends on the
// process locale. Inputs are UTF-8 or code points.
//
// Two families: the std::string ones are for names, descriptions and emails; the SecretCodePoints ones are
// for passwords and everything derived from them. The latter keep every intermediate result in memory that
// is wiped when released, and give libunistring output buffers large enough that it never allocates (and
// frees unwiped) a copy of its own.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <apiuser/secret.hpp>

namespace apiuser::unicode {

// True when `text` is well-formed UTF-8 (no stray continuation bytes, overlong forms or surrogates).
bool is_valid_utf8(std::string_view text);

// Returns the number of code points in the valid UTF-8 `text`.
std::size_t count_code_points(std::string_view text);

// Decodes the valid UTF-8 `text` into code points.
std::u32string decode(std::string_view text);

// Encodes `code_points` as UTF-8.
std::string encode(std::u32string_view code_points);

// Returns the NFKC normal form of the valid UTF-8 `text`; throws std::invalid_argument otherwise.
std::string nfkc(std::string_view text);

// Returns the locale-independent full case folding of the valid UTF-8 `text`, with NFKC normalisation,
// so that "ＡＢＣ", "abc" and "ABC" compare equal; throws std::invalid_argument on invalid UTF-8.
std::string fold(std::string_view text);

// C0 controls, DEL and C1 controls (General_Category Cc).
bool is_control(char32_t c);

// The bidirectional embedding, override and isolate controls (U+202A..U+202E, U+2066..U+2069), which can
// make text display in an order other than the order it is stored in.
bool is_bidi_control(char32_t c);

// Default_Ignorable_Code_Point: characters that display as nothing (zero-width space and joiners, soft
// hyphen, variation selectors, tags...), so can hide inside a word without changing how it looks.
bool is_default_ignorable(char32_t c);

// General_Category L (letters) or M (the marks that combine with a letter, such as a Devanagari vowel sign).
bool is_letter(char32_t c);

// General_Category M: the marks that combine with the character before them (accents, vowel signs).
bool is_mark(char32_t c);

// General_Category N: decimal digits and other numbers.
bool is_digit(char32_t c);

// Code points in memory that is wiped when released.
using SecretCodePoints = std::vector<char32_t, WipingAllocator<char32_t>>;

// Decodes `text` into wiped memory, replacing each ill-formed sequence by U+FFFD (as u8_mbtouc does), so
// that text that is not valid UTF-8 can still be looked at.
SecretCodePoints decode_secret(std::string_view text);

// Returns `code_points` encoded as UTF-8, in a Secret.
Secret encode_secret(std::span<const char32_t> code_points);

// Returns the NFKC normal form of `code_points`.
SecretCodePoints nfkc(std::span<const char32_t> code_points);

// Returns the locale-independent compatibility caseless form of `code_points`,
// NFKC(toCasefold(NFKD(toCasefold(NFD(X))))), the same as u32_casefold(X, NULL, UNINORM_NFKC) computes.
SecretCodePoints fold(std::span<const char32_t> code_points);

// Returns `code_points` without the default-ignorable ones.
SecretCodePoints without_default_ignorables(std::span<const char32_t> code_points);

// The most code points that NFD, NFKD, NFKC or case folding can turn `code_points` into: one for each
// ASCII character, max_expansion for any other (U+FDFA's NFKD has 18 code points, the longest).
inline constexpr std::size_t max_expansion = 18;
std::size_t max_transformed_length(std::span<const char32_t> code_points);

}  // namespace apiuser::unicode
