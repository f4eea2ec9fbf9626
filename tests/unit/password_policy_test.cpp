// The password policy, rule by rule: one table of passwords with the exact violations each must get.

#include <clocale>
#include <cstdlib>
#include <cwctype>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <apiuser/errors.hpp>
#include <apiuser/password_policy.hpp>

using namespace apiuser;
using namespace std::string_literals;
using enum PasswordRule;

namespace {

const PasswordContext acme{"apiuser-3f9a1c2b7d4e@apiconnector.com", "Acme Widgets Ltd", "alice.smith@example.org"};
const PasswordContext nobody{"", "", ""};

PasswordContext company(std::string_view name) {
    return {acme.api_user_email, name, acme.actor_email};
}
PasswordContext actor(std::string_view email) {
    return {acme.api_user_email, acme.company_name, email};
}

struct Case {
    std::string password;
    std::vector<PasswordRule> expected;  // exactly these, in this order
    PasswordContext context = acme;
};

std::string repeat(const std::string& text, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) {
        out += text;
    }
    return out;
}

std::vector<PasswordRule> rules_of(const std::vector<PasswordViolation>& violations) {
    std::vector<PasswordRule> rules;
    for (const auto& v : violations) {
        rules.push_back(v.rule);
    }
    return rules;
}

std::string codes_of(const std::vector<PasswordRule>& rules) {
    std::string codes;
    for (const auto rule : rules) {
        codes += (codes.empty() ? "" : " ") + std::string{rule_code(rule)};
    }
    return codes.empty() ? "(none)" : codes;
}

// A password that breaks no rule in `acme`: 8 code points, letters, a digit and a symbol.
const std::string good = "Zq7!kLm2";

const std::vector<Case>& cases() {
    static const std::vector<Case> table{
        // Length: code points after NFKC, at least 8 and at most 256.
        {good, {}},
        {"Zq7!kLm", {too_short}},
        {"\xF0\x9F\x98\x80\xE2\x82\xAC!", {too_short}},  // 8 bytes, 3 code points: 😀€!
        {"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", {too_short, needs_digit_or_symbol, repetitive}},  // 8 bytes: éééé
        {repeat(good, 32), {}},                                                                // 256
        {repeat(good, 32) + "x", {too_long}},                                                  // 257
        {repeat("\xC3\xBC", 255) + "1", {}},          // 256 code points, 511 bytes
        {repeat("\xC3\xBC", 256) + "1", {too_long}},  // 257 code points
        {"Zq7!\xEF\xAC\x81Lm", {}},                   // 7 typed, 8 after NFKC: ﬁ -> fi
        {"Zq7!kLe\xCC\x81", {too_short}},             // 8 typed, 7 after NFKC: e + ◌́ -> é
        {"", {too_short, needs_digit_or_symbol}},
        {std::string(max_password_input_bytes + 1, '7'), {too_long}},  // not looked at any further
        {std::string(max_password_input_bytes, 'a'), {too_long, needs_digit_or_symbol, repetitive}},

        // Characters: valid UTF-8 only, no control characters.
        {good + "\x80", {invalid_utf8}},          // stray continuation byte
        {good + "\xC0\xAF", {invalid_utf8}},      // overlong "/"
        {good + "\xE0\x80\xAF", {invalid_utf8}},  // overlong, three bytes
        {good + "\xED\xA0\x80", {invalid_utf8}},  // UTF-16 surrogate U+D800
        {good + "\xE2\x82", {invalid_utf8}},      // truncated sequence
        {good + "\xFF", {invalid_utf8}},
        {"ab\xFF", {invalid_utf8, too_short}},  // every other rule is still checked
        {"Zq7!\0kLm2"s, {control_character}},   // NUL in the middle
        {"Zq7!\tkLm2", {control_character}},
        {"Zq7!\nkLm2", {control_character}},
        {"\x1B[31mZq7!", {control_character}},
        {"Zq7!\x7FkLm2", {control_character}},
        {"Zq7!\xC2\x85kLm2", {control_character}},  // U+0085, a C1 control

        // Digit or symbol: anything but a letter; a space counts, an invisible character does not.
        {"onlylettershere", {needs_digit_or_symbol}},
        {"only letters here", {}},
        {"Zqxkvbnmw", {needs_digit_or_symbol}},
        {"Zqxkvbnm7", {}},
        {"Zqxkvbnm!", {}},
        {"Zqxkvbnm\xEF\xBC\x97", {}},                       // fullwidth ７
        {"Zqxkvbnm\xC2\xB2", {}},                           // superscript ² -> 2
        {"Zqxkvbnm\xE2\x80\x8B", {needs_digit_or_symbol}},  // zero-width space
        {"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82\xD0\xBC\xD0\xB8\xD1\x80", {needs_digit_or_symbol}},
        {"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1\x80", {}},  // Привет мир
        // नमस्तेदुनिया: the vowel signs and the virama are marks, part of their letters, not symbols.
        {"\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87\xE0\xA4\xA6\xE0\xA5\x81"
         "\xE0\xA4\xA8\xE0\xA4\xBF\xE0\xA4\xAF\xE0\xA4\xBE",
         {needs_digit_or_symbol}},

        // Email: the API user's address, local part and id; the actor's address and local part.
        {"x-apiuser-3f9a1c2b7d4e@apiconnector.com", {contains_email}},
        {"ApiUser-3F9a1C2b7D4e@ApiConnector.COM", {contains_email}},
        {"APIUSER-3F9A1C2B7D4E!", {contains_email}},
        {"id:3F9A1C2B7D4E!", {contains_email}},
        {"id:3f9a1c2b7d4-e!", {}},  // not the whole id
        {"3f9a\xE2\x80\x8B"
         "1c2b7d4e!",
         {contains_email}},  // a zero-width space inside
        {"\xEF\xBC\x93\xEF\xBD\x86\xEF\xBC\x99\xEF\xBD\x81\xEF\xBC\x91\xEF\xBD\x83\xEF\xBC\x92\xEF\xBD\x82"
         "\xEF\xBC\x97\xEF\xBD\x84\xEF\xBC\x94\xEF\xBD\x85!",
         {contains_email}},  // ３ｆ９ａ１ｃ２ｂ７ｄ４ｅ!
        {"ALICE.SMITH@EXAMPLE.ORG9", {contains_email}},
        {"Alice.Smith-42", {contains_email}},
        {"Alice.Smith-42", {}, nobody},
        {"alice.smith-42", {}, actor("")},              // actor unknown
        {"bob-Zq7!kLm", {}, actor("bob@example.org")},  // local part under 4: not refused
        {"BOB@EXAMPLE.ORG1", {contains_email}, actor("bob@example.org")},
        {"xROOT9!!", {contains_email}, actor("root@acme.example")},  // local part of exactly 4
        {"xROOT@ACME.EXAMPLE9", {contains_email, contains_company}, {acme.api_user_email, "Acme", "root@acme.example"}},

        // Company name: case, spaces and punctuation ignored; distinctive words of 4 or more letters.
        {"acmewidgetsltd-9", {contains_company}},
        {"Acme Widgets Ltd 9", {contains_company}},
        {"ACME.WIDGETS.LTD.9", {contains_company}},
        {"AcmeWidgets9!", {contains_company}},
        {"acme-9-Zq!", {contains_company}},
        {"WIDGETS#2024", {contains_company}},
        {"Wid-Gets!2024", {contains_company}},
        {"Ltd-Zq7!kLm", {}},     // a legal suffix is not distinctive
        {"acm3 widg3ts!", {}},   // no look-alikes for company names
        {"Zq7!widget-kLm", {}},  // a part of a word is not the word
        {"Corporation-77!", {}, company("Globex Corporation")},
        {"Globex-77!", {contains_company}, company("Globex Corporation")},
        {"Holdings-Limited-9", {}, company("Initech Holdings Limited")},
        {"Group-Company-9!", {}, company("Initech Group Company")},
        {"initech9!", {contains_company}, company("Initech Holdings Limited")},
        {"gmbh-Zq7!kLm", {}, company("M\xC3\xBCller GmbH")},
        {"M\xC3\x9CLLER-2024", {contains_company}, company("M\xC3\xBCller GmbH")},   // MÜLLER
        {"Mu\xCC\x88ller-2024", {contains_company}, company("M\xC3\xBCller GmbH")},  // decomposed ü
        {"mueller-2024", {}, company("M\xC3\xBCller GmbH")},
        {"ibm-2024!", {contains_company}, company("IBM Corp")},  // the name without its suffix
        {"Zq7!corp-kLm", {}, company("IBM Corp")},
        {"3m-Zq7!kL", {}, company("3M")},                                              // too short a name to refuse
        {"\xEF\xBC\xA1\xEF\xBD\x83\xEF\xBD\x8D\xEF\xBD\x85-77!", {contains_company}},  // Ａｃｍｅ-77!
        {"ac\xE2\x80\x8Dme-77!", {contains_company}},                                  // a zero-width joiner inside

        // The word "password", with separators and look-alikes.
        {"Password1", {contains_password_word, common_password}},
        {"p@ssw0rd!", {contains_password_word}},
        {"PA55-WORD9", {contains_password_word}},
        {"\xEF\xBD\x90\xEF\xBD\x81\xEF\xBD\x93\xEF\xBD\x93\xEF\xBD\x97\xEF\xBD\x8F\xEF\xBD\x92\xEF\xBD\x84"
         "1",
         {contains_password_word, common_password}},           // ｐａｓｓｗｏｒｄ1
        {"pass\xE2\x80\x8Bword-9", {contains_password_word}},  // zero-width space
        {"p\xE2\x80\x8C"
         "a\xE2\x80\x8D"
         "s\xE2\x81\xA0"
         "s\xEF\xBB\xBF"
         "word-9",
         {contains_password_word}},
        {"pass\xC2\xADword9", {contains_password_word, common_password}},  // soft hyphen; password9 is common
        {"pass word 9", {contains_password_word}},
        {"p.a.s.s.w.o.r.d9", {contains_password_word}},
        {"p_a_s_s_w_o_r_d9", {contains_password_word}},
        {"p-a-s-s-w-o-r-d9", {contains_password_word}},
        {"p4ssword!", {contains_password_word}},
        {"pa$$word!", {contains_password_word}},
        {"pa55word!", {contains_password_word}},
        {"passw0rd!", {contains_password_word}},
        {"P@$5W0RD!", {contains_password_word}},
        {"my-Password-9", {contains_password_word}},
        {"compass words 1", {contains_password_word}},  // errs on the side of refusing
        {"\xEF\xBC\xB0\xEF\xBC\xA1\xEF\xBC\xB3\xEF\xBC\xB3\xEF\xBC\x8D\xEF\xBC\xB7\xEF\xBC\xAF\xEF\xBC\xB2"
         "\xEF\xBC\xA4\xEF\xBC\x99",
         {contains_password_word}},  // ＰＡＳＳ－ＷＯＲＤ９
        {"passwd-2024!", {}},
        {"paszword1!", {}},
        {"pas/sword1", {}},  // "/" is not a separator

        // Common passwords: the whole folded password, on zxcvbn's list.
        {"trustno1", {common_password}},
        {"TrustNo1", {common_password}},
        {"\xEF\xBD\x94\xEF\xBD\x92\xEF\xBD\x95\xEF\xBD\x93\xEF\xBD\x94\xEF\xBD\x8E\xEF\xBD\x8F\xEF\xBC\x91",
         {common_password}},  // ｔｒｕｓｔｎｏ１
        {"trust\xE2\x80\x8Bno1", {common_password}},
        {"trustno1!", {}},
        {"1qaz2wsx", {common_password}},
        {"iloveyou", {needs_digit_or_symbol, common_password}},
        {"qwertyuiop", {needs_digit_or_symbol, common_password}},
        {"q1w2e3r4t5y6u7i8o9p0", {common_password}},
        {"istanbul", {needs_digit_or_symbol, common_password}},
        {"pass", {too_short, needs_digit_or_symbol, common_password}},
        {"password", {needs_digit_or_symbol, contains_password_word, common_password}},

        // Repetitive: the letters and digits alone are one character repeated or one run.
        {"aaaaaaaa!", {repetitive}},
        {"12345678", {common_password, repetitive}},
        {"#abcdefgh", {repetitive}},
        {"87654321?", {repetitive}},
        {"AbCdEfGh!", {repetitive}},
        {"zyxwvuts#", {repetitive}},
        {"a-b-c-d-e-f!", {repetitive}},
        {"\xEF\xBC\x99\xEF\xBC\x98\xEF\xBC\x97\xEF\xBC\x96\xEF\xBC\x95\xEF\xBC\x94\xEF\xBC\x93\xEF\xBC\x92!",
         {repetitive}},  // ９８７６５４３２!
        {"aaaa!!!!", {repetitive}},
        {"xyz!@#$%", {repetitive}},
        {"!!!!!!!!", {repetitive}},  // no letters or digits: taken whole
        {"0123456789", {repetitive}},
        {"a1a1a1a1!", {}},
        {"ab!@#$%^", {}},  // two are too few for a pattern
        {"abd!@#$%^&", {}},
        {"789abc!!", {}},  // 9 and a are not consecutive
        {"\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0!", {repetitive}},  // İİİİİİİİ!
        {"\xE0\xA4\xA8\xE0\xA4\xBE\xE0\xA4\xA8\xE0\xA5\x80\xE0\xA4\xA8\xE0\xA5\x81\xE0\xA4\xA8\xE0\xA5\x87-1",
         {}},  // नानीनुने-1: four different syllables

        // Several rules at once, always in the order of PasswordRule.
        {"acme\x01", {control_character, too_short, contains_company}},
        {"Pa55-w0rd\x00"s, {control_character, contains_password_word}},
        {"acme password", {contains_company, contains_password_word}},
        {"apiuser-3f9a1c2b7d4e acme", {contains_email, contains_company}},
    };
    return table;
}

// Restores the "C" locale when a test that changed it ends, passed or failed.
struct LocaleGuard {
    ~LocaleGuard() { std::setlocale(LC_ALL, "C"); }
};

bool running_in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && *ci != '\0' && std::string_view{ci} != "false" && std::string_view{ci} != "0";
}

}  // namespace

TEST_CASE("each password gets exactly its violations, in the order of the rules", "[policy]") {
    REQUIRE(cases().size() >= 100);
    for (const auto& c : cases()) {
        const auto got = rules_of(check_password(c.password, c.context));
        INFO("password bytes: " << Catch::Detail::stringify(c.password));
        CHECK(codes_of(got) == codes_of(c.expected));
    }
}

TEST_CASE("messages are the same whatever the password, so they can never quote it", "[policy]") {
    std::map<PasswordRule, std::string> message_of;
    for (const auto& c : cases()) {
        for (const auto& v : check_password(c.password, c.context)) {
            const auto [it, first] = message_of.emplace(v.rule, v.message);
            INFO(rule_code(v.rule));
            CHECK_FALSE(v.message.empty());
            CHECK(it->second == v.message);
        }
    }
    CHECK(message_of.size() == 10);  // the table breaks every rule at least once
}

TEST_CASE("every rule has its stable code", "[policy]") {
    const std::vector<std::pair<PasswordRule, std::string_view>> codes{
        {invalid_utf8, "invalid_utf8"},
        {control_character, "control_character"},
        {too_short, "too_short"},
        {too_long, "too_long"},
        {needs_digit_or_symbol, "needs_digit_or_symbol"},
        {contains_email, "contains_email"},
        {contains_company, "contains_company"},
        {contains_password_word, "contains_password_word"},
        {common_password, "common_password"},
        {repetitive, "repetitive"},
    };
    for (const auto& [rule, code] : codes) {
        CHECK(rule_code(rule) == code);
    }
}

TEST_CASE("the NFKC form is what is hashed: composed, decomposed and fullwidth forms are one password",
          "[policy][normalisation]") {
    const std::string composed = "Caf\xC3\xA9-Zq7!";     // é
    const std::string decomposed = "Cafe\xCC\x81-Zq7!";  // e + combining acute
    CHECK(normalize_password(decomposed) == normalize_password(composed));
    CHECK(normalize_password(composed).view() == composed);
    CHECK(normalize_password("\xEF\xBC\xBA\xEF\xBD\x91\xEF\xBC\x97!kLm2").view() == good);  // Ｚｑ７!kLm2
    CHECK(normalize_password("\xEF\xAC\x81x").view() == "fix");                             // ﬁ ligature
    CHECK(normalize_password(good).view() == good);
    // Case is kept: folding is for comparing, never for hashing.
    CHECK(normalize_password("ABC-def-1").view() == "ABC-def-1");
    // What the policy cannot accept is returned as it is; it can never match a stored hash.
    CHECK(normalize_password("bad\xFF").view() == "bad\xFF");
    const std::string huge(max_password_input_bytes + 1, 'x');
    CHECK(normalize_password(huge).view() == huge);
}

TEST_CASE("enforce_password_policy returns the NFKC form or throws every violation", "[policy]") {
    CHECK(enforce_password_policy("Cafe\xCC\x81-Zq7!", acme).view() == "Caf\xC3\xA9-Zq7!");
    try {
        enforce_password_policy("acme\x01", acme);
        FAIL("a password breaking three rules was accepted");
    } catch (const PasswordRejected& rejected) {
        CHECK(rejected.kind() == ErrorKind::password_rejected);
        CHECK(codes_of(rules_of(rejected.violations())) == "control_character too_short contains_company");
        CHECK(std::string{rejected.what()}.find("acme") == std::string::npos);
    }
    try {
        reject_overlong_password();
        FAIL("reject_overlong_password returned");
    } catch (const PasswordRejected& rejected) {
        CHECK(codes_of(rules_of(rejected.violations())) == "too_long");
    }
}

TEST_CASE("verdicts are the same under a Turkish locale as under C (dotted and dotless i)", "[policy][locale]") {
    LocaleGuard restore;
    // Each would change verdict if case folding followed the process locale: Turkish lowercases I to ı and
    // uppercases i to İ.
    const std::vector<Case> turkish_cases{
        {"PASSWORD1", {contains_password_word, common_password}},
        {"PASSWORD-IS-9", {contains_password_word}},
        {"xIVAN.ILIC@EXAMPLE.ORG9", {contains_email}, actor("ivan.ilic@example.org")},
        {"ISTANBUL-2024", {contains_company}, company("Istanbul Imports")},
        {"istanbul-2024", {contains_company}, company("ISTANBUL IMPORTS")},
        {"\xC4\xB0STANBUL-2024", {}, company("Istanbul Imports")},  // İSTANBUL: İ folds to i + dot, not i
        {"\xC4\xB1stanbul-2024", {}, company("Istanbul Imports")},  // ıstanbul: ı is not i
        {"TRUSTNO1", {common_password}},
        {"IIIIIIII!", {repetitive}},
        {"\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0!", {repetitive}},  // İİİİİİİİ!
        {"\xC4\xB1"
         "iI\xC4\xB0\xC4\xB1iI\xC4\xB0!",
         {}},  // ıiIİıiIİ!
        {"APIUSER-3F9A1C2B7D4E!", {contains_email}},
    };
    const auto verdicts = [&turkish_cases] {
        std::vector<std::string> out;
        for (const auto& c : turkish_cases) {
            out.push_back(codes_of(rules_of(check_password(c.password, c.context))) + " / " +
                          std::string{normalize_password(c.password).view()});
        }
        return out;
    };
    REQUIRE(std::setlocale(LC_ALL, "C") != nullptr);
    const auto under_c = verdicts();
    for (std::size_t i = 0; i < turkish_cases.size(); ++i) {
        INFO(turkish_cases[i].password);
        CHECK(under_c[i].starts_with(codes_of(turkish_cases[i].expected) + " / "));
    }

    if (std::setlocale(LC_ALL, "tr_TR.UTF-8") == nullptr) {
        if (running_in_ci()) {
            FAIL("the tr_TR.UTF-8 locale is missing: .ci/install-deps must generate it");
        }
        WARN("tr_TR.UTF-8 is not installed (run .ci/install-deps): the Turkish half of this test did not run");
        return;
    }
    // The locale really is Turkish, so this test would catch locale-dependent folding.
    REQUIRE(std::towupper(L'i') == L'\u0130');
    REQUIRE(std::towlower(L'I') == L'\u0131');
    CHECK(verdicts() == under_c);
}
