// The Unicode layer under the password policy: libunistring's results, computed in buffers of ours.

#include "text/unicode.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include <catch2/catch.hpp>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>

using namespace apiuser;
using namespace std::string_view_literals;

namespace {

// libunistring's own one-call folding, for comparison: the result is malloc'd (this is a test, not a secret).
std::u32string reference_fold(std::u32string_view text) {
    std::size_t length = 0;
    auto* folded = u32_casefold(reinterpret_cast<const ucs4_t*>(text.data()), text.size(), nullptr, UNINORM_NFKC,
                                nullptr, &length);
    REQUIRE(folded != nullptr);
    std::u32string out(reinterpret_cast<const char32_t*>(folded), length);
    std::free(folded);
    return out;
}

std::u32string reference_nfkc(std::u32string_view text) {
    std::size_t length = 0;
    auto* normal =
        u32_normalize(UNINORM_NFKC, reinterpret_cast<const ucs4_t*>(text.data()), text.size(), nullptr, &length);
    REQUIRE(normal != nullptr);
    std::u32string out(reinterpret_cast<const char32_t*>(normal), length);
    std::free(normal);
    return out;
}

std::u32string str(const unicode::SecretCodePoints& code_points) {
    return {code_points.begin(), code_points.end()};
}

}  // namespace

TEST_CASE("for every code point, folding and NFKC fit the bound and equal libunistring's one-call results",
          "[unicode]") {
    // Normalisation decomposes each character on its own and composition only shortens, and case folding
    // without a language maps each character on its own: so a bound that holds for every single code point
    // holds for every string, and libunistring never needs a buffer of its own (which would throw here).
    std::u32string mismatches;
    std::u32string ignorable_after_folding;
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) {
            continue;
        }
        const std::u32string one(1, c);
        const auto folded = unicode::fold(one);
        const auto normal = unicode::nfkc(one);
        if (str(folded) != reference_fold(one) || str(normal) != reference_nfkc(one)) {
            mismatches.push_back(c);
        }
        // Why removing default-ignorable characters once, before folding, is enough.
        if (!unicode::is_default_ignorable(c) &&
            std::any_of(folded.begin(), folded.end(), unicode::is_default_ignorable)) {
            ignorable_after_folding.push_back(c);
        }
    }
    CHECK(mismatches.empty());
    CHECK(ignorable_after_folding.empty());
}

TEST_CASE("ASCII text, which skips libunistring, folds and normalises as libunistring would", "[unicode]") {
    std::u32string ascii;
    for (char32_t c = 0; c < 0x80; ++c) {
        ascii.push_back(c);
    }
    const std::u32string reversed(ascii.rbegin(), ascii.rend());
    for (const auto& text : {ascii, reversed, std::u32string{U"Acme Widgets Ltd"}, std::u32string{U"K\u212A"}}) {
        CHECK(str(unicode::fold(text)) == reference_fold(text));
        CHECK(str(unicode::nfkc(text)) == reference_nfkc(text));
    }
}

TEST_CASE("the longest expansions fit the bound", "[unicode]") {
    const std::u32string longest = U"\uFDFA";  // ARABIC LIGATURE SALLALLAHOU ALAYHE WASALLAM: 18 code points
    CHECK(unicode::nfkc(longest).size() == unicode::max_expansion);
    CHECK(unicode::max_transformed_length(longest) == unicode::max_expansion);
    CHECK(unicode::max_transformed_length(U"abc"sv) == 3);
    const std::u32string many(1000, U'\uFDFA');
    CHECK(unicode::fold(many).size() == 18000);
    CHECK(str(unicode::fold(U"\uFB03"sv)) == U"ffi");  // ﬃ folds to three code points
}

TEST_CASE("the UTF-8 folding is the one descriptions have always been keyed by", "[unicode]") {
    for (const char* text : {"Stra\xC3\x9F"
                             "e",
                             "\xC4\xB0stanbul", "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "\xEF\xAC\x81",
                             "Magento Production", "", "Cafe\xCC\x81"}) {
        INFO(text);
        std::size_t length = 0;
        auto* expected = u8_casefold(reinterpret_cast<const std::uint8_t*>(text), std::strlen(text), nullptr,
                                     UNINORM_NFKC, nullptr, &length);
        REQUIRE(expected != nullptr);
        CHECK(unicode::fold(text) == std::string(reinterpret_cast<const char*>(expected), length));
        std::free(expected);
    }
    CHECK(unicode::fold("Stra\xC3\x9F"
                        "E") == "strasse");
    CHECK(unicode::nfkc("\xEF\xAC\x81") == "fi");
    CHECK_THROWS_AS(unicode::fold("\xFF"), std::invalid_argument);
    CHECK_THROWS_AS(unicode::nfkc("\xC0\xAF"), std::invalid_argument);
}

TEST_CASE("ill-formed UTF-8 decodes to U+FFFD, so the rest can still be checked", "[unicode]") {
    CHECK(str(unicode::decode_secret("a\x80"
                                     "b")) == U"a\uFFFDb");
    CHECK(str(unicode::decode_secret("\xED\xA0\x80")).find_first_not_of(U'\uFFFD') == std::u32string::npos);
    CHECK(str(unicode::decode_secret("\xC3\xA9\xE2\x82\xAC")) == U"\u00E9\u20AC");
    CHECK(unicode::encode_secret(unicode::decode_secret("\xC3\xA9\xE2\x82\xAC!")).view() == "\xC3\xA9\xE2\x82\xAC!");
}

TEST_CASE("character classes come from the Unicode database", "[unicode]") {
    // The ASCII shortcuts give libunistring's answers.
    for (char32_t c = 0; c < 0x80; ++c) {
        INFO(static_cast<std::uint32_t>(c));
        CHECK(unicode::is_letter(c) ==
              (uc_is_general_category(c, UC_CATEGORY_L) || uc_is_general_category(c, UC_CATEGORY_M)));
        CHECK(unicode::is_mark(c) == uc_is_general_category(c, UC_CATEGORY_M));
        CHECK(unicode::is_digit(c) == uc_is_general_category(c, UC_CATEGORY_N));
        CHECK(unicode::is_default_ignorable(c) == uc_is_property_default_ignorable_code_point(c));
    }
    CHECK(unicode::is_default_ignorable(U'\u200B'));  // zero-width space
    CHECK(unicode::is_default_ignorable(U'\u00AD'));  // soft hyphen
    CHECK(unicode::is_default_ignorable(U'\uFE0F'));  // variation selector
    CHECK_FALSE(unicode::is_default_ignorable(U' '));
    CHECK(unicode::is_letter(U'\u0131'));  // ı
    CHECK(unicode::is_letter(U'\u093E'));  // a Devanagari vowel sign (a mark)
    CHECK(unicode::is_mark(U'\u0301'));
    CHECK_FALSE(unicode::is_mark(U'a'));
    CHECK_FALSE(unicode::is_letter(U'7'));
    CHECK(unicode::is_digit(U'7'));
    CHECK(unicode::is_digit(U'\u0663'));  // Arabic-Indic three
    CHECK_FALSE(unicode::is_letter(U' '));
    CHECK(unicode::is_control(U'\0'));
    CHECK(unicode::is_control(U'\u0085'));
    CHECK_FALSE(unicode::is_control(U'\u00A0'));
    CHECK(str(unicode::without_default_ignorables(U"p\u200Ba\u00ADss"sv)) == U"pass");
}
