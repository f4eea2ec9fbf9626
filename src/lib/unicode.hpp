#pragma once

// Unicode helpers over libunistring, so that no Unicode table is hand-made and nothing depends on the
// process locale. Inputs are UTF-8.

#include <optional>
#include <string>
#include <string_view>

namespace apiuser::unicode {

// True when `text` is well-formed UTF-8 (no stray continuation bytes, overlong forms or surrogates).
bool is_valid_utf8(std::string_view text);

// Returns the number of code points in the valid UTF-8 `text`.
std::size_t count_code_points(std::string_view text);

// Decodes the valid UTF-8 `text` into code points.
std::u32string decode(std::string_view text);

// Encodes `code_points` as UTF-8.
std::string encode(std::u32string_view code_points);

// Returns the NFKC normal form of the valid UTF-8 `text`.
std::string nfkc(std::string_view text);

// Returns the locale-independent full case folding of the valid UTF-8 `text`, after NFKC normalisation,
// so that "ＡＢＣ", "abc" and "ABC" compare equal.
std::string fold(std::string_view text);

// C0 controls, DEL and C1 controls.
bool is_control(char32_t c);

// The bidirectional embedding, override and isolate controls (U+202A..U+202E, U+2066..U+2069), which can
// make text display in an order other than the order it is stored in.
bool is_bidi_control(char32_t c);

}  // namespace apiuser::unicode
