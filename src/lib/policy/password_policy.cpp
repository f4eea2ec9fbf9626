#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

#include <fmt/format.h>

#include <apiuser/errors.hpp>
#include <apiuser/password_policy.hpp>
#include <apiuser/username.hpp>

#include "policy/common_passwords.hpp"
#include "text/unicode.hpp"

namespace apiuser {

namespace {

using unicode::SecretCodePoints;
using Text = std::u32string_view;

// The acting member's local part is refused only from this length on: "al" or "bob" are syllables of many
// unrelated passwords, and refusing them would say nothing about the password's strength.
constexpr std::size_t min_actor_local_part = 4;
// Likewise for a company name whose letters and digits are fewer than this ("HP", "3M").
constexpr std::size_t min_company_name = 3;
// A word of the company name is distinctive from this many letters on.
constexpr std::size_t min_distinctive_letters = 4;
// Letters and digits shorter than this ("aa", "ab") are too short to be a pattern.
constexpr std::size_t min_pattern_length = 3;

// Legal forms and generic words of company names, case-folded. They say nothing about which company it is,
// so they are not distinctive words and are left out of the name's core ("Acme Widgets Ltd" -> acmewidgets).
constexpr auto legal_suffixes = std::to_array<Text>({
    U"ab",           U"ag",
    U"aps",          U"as",
    U"asa",          U"associates",
    U"bhd",          U"bv",
    U"co",           U"companies",
    U"company",      U"corp",
    U"corporation",  U"cv",
    U"enterprises",  U"gmbh",
    U"group",        U"holding",
    U"holdings",     U"inc",
    U"incorporated", U"international",
    U"kft",          U"kg",
    U"kk",           U"limited",
    U"llc",          U"llp",
    U"lp",           U"ltd",
    U"ltda",         U"nv",
    U"oy",           U"oyj",
    U"partners",     U"partnership",
    U"plc",          U"pte",
    U"pty",          U"pvt",
    U"sa",           U"sarl",
    U"sas",          U"se",
    U"spa",          U"srl",
    U"ug",
});

// The word every guesser tries first.
constexpr Text password_word = U"password";

Text view(const SecretCodePoints& code_points) {
    return {code_points.data(), code_points.size()};
}

bool contains(Text haystack, Text needle) {
    return !needle.empty() && haystack.find(needle) != Text::npos;
}

// Overwrites the stack below the caller, where the code points of a password stay behind in dead frames of
// libunistring (its sorting buffer, decomposition arrays) and of the analysis below once they return.
[[gnu::noinline]] void scrub_stack() noexcept {
    std::array<unsigned char, 16 * 1024> area;
    wipe_memory(area.data(), area.size());
}

// What passwords, emails and company names become before they are compared: case-folded NFKC (locale
// independent) without the default-ignorable characters, so that neither case, nor fullwidth or other
// compatibility forms, nor invisible characters can hide a forbidden word.
SecretCodePoints comparable(std::span<const char32_t> code_points) {
    return unicode::fold(unicode::without_default_ignorables(code_points));
}

SecretCodePoints comparable(std::string_view text) {
    return comparable(unicode::decode_secret(text));
}

// The forms of a password that the rules look at, each in memory that is wiped.
struct PasswordForms {
    bool valid_utf8 = false;
    SecretCodePoints normal;  // NFKC: what is counted, checked for characters, and hashed
    SecretCodePoints folded;  // comparable(normal): what is compared
};

PasswordForms forms_of(std::string_view password) {
    PasswordForms forms;
    forms.valid_utf8 = unicode::is_valid_utf8(password);
    // Ill-formed bytes become U+FFFD, so that every other rule can still be checked and reported at once.
    forms.normal = unicode::nfkc(unicode::decode_secret(password));
    forms.folded = comparable(forms.normal);
    return forms;
}

Text local_part(Text email) {
    const auto at = email.rfind(U'@');
    return at == Text::npos ? Text{} : email.substr(0, at);
}

bool has_digit_or_symbol(Text normal) {
    // "A digit, or neither a letter nor a digit" is anything but a letter: a space counts. Characters that
    // display as nothing do not, or an invisible one would satisfy the rule.
    return std::any_of(normal.begin(), normal.end(),
                       [](char32_t c) { return !unicode::is_default_ignorable(c) && !unicode::is_letter(c); });
}

bool contains_email(Text password, const PasswordContext& context) {
    const auto api_user = comparable(context.api_user_email);
    const Text api_user_local = local_part(view(api_user));
    const std::u32string prefix(username_prefix.begin(), username_prefix.end());
    const Text api_user_id = api_user_local.starts_with(prefix) ? api_user_local.substr(prefix.size()) : Text{};
    const auto actor = comparable(context.actor_email);
    const Text actor_local = local_part(view(actor));
    return contains(password, view(api_user)) || contains(password, api_user_local) ||
           contains(password, api_user_id) || contains(password, view(actor)) ||
           (actor_local.size() >= min_actor_local_part && contains(password, actor_local));
}

bool is_letter_or_digit(char32_t c) {
    return unicode::is_letter(c) || unicode::is_digit(c);
}

SecretCodePoints letters_and_digits(Text text) {
    SecretCodePoints out;
    out.reserve(text.size());
    std::copy_if(text.begin(), text.end(), std::back_inserter(out), is_letter_or_digit);
    return out;
}

bool contains_company(Text password, std::string_view company_name) {
    // Spaces and punctuation are ignored on both sides: "Acme Widgets Ltd" is found in "acme-widgets.ltd".
    const auto compact_password = letters_and_digits(password);
    const Text haystack = view(compact_password);
    const auto name = comparable(company_name);
    SecretCodePoints whole;  // every letter and digit of the name
    SecretCodePoints core;   // the same without the legal suffixes
    const Text text = view(name);
    for (auto begin = text.begin(); begin != text.end();) {
        begin = std::find_if(begin, text.end(), is_letter_or_digit);
        const auto end = std::find_if_not(begin, text.end(), is_letter_or_digit);
        const Text word{begin, end};
        begin = end;
        if (word.empty()) {
            continue;
        }
        whole.insert(whole.end(), word.begin(), word.end());
        if (std::find(legal_suffixes.begin(), legal_suffixes.end(), word) != legal_suffixes.end()) {
            continue;
        }
        core.insert(core.end(), word.begin(), word.end());
        const auto letters = std::count_if(word.begin(), word.end(), unicode::is_letter);
        if (static_cast<std::size_t>(letters) >= min_distinctive_letters && contains(haystack, word)) {
            return true;
        }
    }
    return (whole.size() >= min_company_name && contains(haystack, view(whole))) ||
           (core.size() >= min_company_name && contains(haystack, view(core)));
}

bool contains_password_word(Text password) {
    // Errs on the side of refusing: separators are dropped wherever they are, so "compass words" is refused.
    SecretCodePoints plain;
    plain.reserve(password.size());
    for (char32_t c : password) {
        switch (c) {
            case U' ':
            case U'-':
            case U'_':
            case U'.':
                break;
            case U'@':
            case U'4':
                plain.push_back(U'a');
                break;
            case U'$':
            case U'5':
                plain.push_back(U's');
                break;
            case U'0':
                plain.push_back(U'o');
                break;
            default:
                plain.push_back(c);
                break;
        }
    }
    return contains(view(plain), password_word);
}

bool is_common(Text folded) {
    const Secret utf8 = unicode::encode_secret(folded);
    return is_common_password(utf8.view());
}

bool is_repetitive(Text folded) {
    // The letters and digits alone ("aaaaaaaa!" -> aaaaaaaa); a password of symbols only is taken whole.
    SecretCodePoints kept = letters_and_digits(folded);
    if (kept.empty()) {
        kept.assign(folded.begin(), folded.end());
    }
    // Compared as people see characters: a letter and its marks are one ("i" + dot above, the folding of İ).
    const Text text = view(kept);
    std::vector<Text> characters;
    for (std::size_t begin = 0; begin < text.size();) {
        std::size_t end = begin + 1;
        while (end < text.size() && unicode::is_mark(text[end])) {
            ++end;
        }
        characters.push_back(text.substr(begin, end - begin));
        begin = end;
    }
    if (characters.size() < min_pattern_length) {
        return false;
    }
    const bool repeated =
        std::all_of(characters.begin(), characters.end(), [&characters](Text c) { return c == characters.front(); });
    const auto run_by = [&characters](std::int64_t step) {
        for (std::size_t i = 1; i < characters.size(); ++i) {
            const Text before = characters[i - 1];
            const Text after = characters[i];
            if (before.size() != 1 || after.size() != 1 ||
                static_cast<std::int64_t>(after[0]) - static_cast<std::int64_t>(before[0]) != step) {
                return false;
            }
        }
        return true;
    };
    return repeated || run_by(1) || run_by(-1);
}

// What to do about a broken rule. Never quotes the password, nor says which part of it broke the rule.
std::string advice(PasswordRule rule) {
    switch (rule) {
        case PasswordRule::invalid_utf8:
            return "the password is not valid UTF-8: check the character encoding of the terminal, file or "
                   "program it comes from";
        case PasswordRule::control_character:
            return "remove the control characters (such as NUL, tab or escape)";
        case PasswordRule::too_short:
            return fmt::format("use at least {} characters", min_password_code_points);
        case PasswordRule::too_long:
            return fmt::format("use at most {} characters", max_password_code_points);
        case PasswordRule::needs_digit_or_symbol:
            return "add at least one digit or symbol (a space counts as a symbol)";
        case PasswordRule::contains_email:
            return "leave out the API user's username, its local part and its id, and your own email address "
                   "and the part before its @";
        case PasswordRule::contains_company:
            return "leave out the company name and each distinctive word of it (case, spaces and punctuation "
                   "are ignored)";
        case PasswordRule::contains_password_word:
            return "leave out the word \"password\", also when written with separators or look-alikes such as "
                   "\"P@ss-w0rd\"";
        case PasswordRule::common_password:
            return fmt::format("choose another: this is one of the {} most common passwords",
                               common_passwords().size());
        case PasswordRule::repetitive:
            return "avoid letters and digits that are one character repeated or a run such as \"abcd\" or "
                   "\"4321\"";
    }
    return "choose another password";
}

// The whole verdict on `password`: every broken rule, in the order of PasswordRule, and its NFKC form.
struct Verdict {
    std::vector<PasswordViolation> violations;
    Secret normal;
};

Verdict judge(std::string_view password, const PasswordContext& context) {
    if (password.size() > max_password_input_bytes) {
        // No NFKC composition can bring this many bytes down to max_password_code_points: reject it without
        // looking further, so that an enormous input costs nothing.
        return {{{PasswordRule::too_long, advice(PasswordRule::too_long)}}, {}};
    }
    const auto forms = forms_of(password);
    const Text normal = view(forms.normal);
    const Text folded = view(forms.folded);
    const std::array<std::pair<PasswordRule, bool>, 10> rules{{
        {PasswordRule::invalid_utf8, !forms.valid_utf8},
        {PasswordRule::control_character, std::any_of(normal.begin(), normal.end(), unicode::is_control)},
        {PasswordRule::too_short, normal.size() < min_password_code_points},
        {PasswordRule::too_long, normal.size() > max_password_code_points},
        {PasswordRule::needs_digit_or_symbol, !has_digit_or_symbol(normal)},
        {PasswordRule::contains_email, contains_email(folded, context)},
        {PasswordRule::contains_company, contains_company(folded, context.company_name)},
        {PasswordRule::contains_password_word, contains_password_word(folded)},
        {PasswordRule::common_password, is_common(folded)},
        {PasswordRule::repetitive, is_repetitive(folded)},
    }};
    Verdict verdict;
    for (const auto& [rule, broken] : rules) {
        if (broken) {
            verdict.violations.push_back({rule, advice(rule)});
        }
    }
    if (forms.valid_utf8) {
        verdict.normal = unicode::encode_secret(normal);
    }
    return verdict;
}

}  // namespace

std::string_view rule_code(PasswordRule rule) {
    switch (rule) {
        case PasswordRule::invalid_utf8:
            return "invalid_utf8";
        case PasswordRule::control_character:
            return "control_character";
        case PasswordRule::too_short:
            return "too_short";
        case PasswordRule::too_long:
            return "too_long";
        case PasswordRule::needs_digit_or_symbol:
            return "needs_digit_or_symbol";
        case PasswordRule::contains_email:
            return "contains_email";
        case PasswordRule::contains_company:
            return "contains_company";
        case PasswordRule::contains_password_word:
            return "contains_password_word";
        case PasswordRule::common_password:
            return "common_password";
        case PasswordRule::repetitive:
            return "repetitive";
    }
    return "unknown";
}

Secret normalize_password(std::string_view password) {
    if (password.size() > max_password_input_bytes || !unicode::is_valid_utf8(password)) {
        return Secret{password};
    }
    Secret normal = unicode::encode_secret(unicode::nfkc(unicode::decode_secret(password)));
    scrub_stack();
    return normal;
}

std::vector<PasswordViolation> check_password(std::string_view password, const PasswordContext& context) {
    auto verdict = judge(password, context);
    scrub_stack();
    return std::move(verdict.violations);
}

void reject_overlong_password() {
    throw PasswordRejected({{PasswordRule::too_long, advice(PasswordRule::too_long)}});
}

Secret enforce_password_policy(std::string_view password, const PasswordContext& context) {
    auto verdict = judge(password, context);
    scrub_stack();
    if (!verdict.violations.empty()) {
        throw PasswordRejected(std::move(verdict.violations));
    }
    return std::move(verdict.normal);
}

namespace {

std::string summarise(const std::vector<PasswordViolation>& violations) {
    std::string rules;
    for (const auto& v : violations) {
        rules += rules.empty() ? "" : ", ";
        rules += rule_code(v.rule);
    }
    return fmt::format("password rejected by the policy ({})", rules);
}

}  // namespace

PasswordRejected::PasswordRejected(std::vector<PasswordViolation> violations)
    : Error(ErrorKind::password_rejected, summarise(violations),
            "choose another password, or let apiuser make one with --generate-password"),
      violations_(std::move(violations)) {}

}  // namespace apiuser
