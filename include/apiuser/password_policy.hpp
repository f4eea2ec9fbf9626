#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <apiuser/secret.hpp>

namespace apiuser {

inline constexpr std::size_t min_password_code_points = 8;
inline constexpr std::size_t max_password_code_points = 256;
// Readers stop after this many bytes: even NFKC composition (which can fold a few code points into one)
// cannot bring a longer input down to max_password_code_points, so it is rejected as too long without
// being read to the end, and a 100 MB standard input costs nothing.
inline constexpr std::size_t max_password_input_bytes = 16 * 1024;

// One rule of the password policy. The codes (see `rule_code`) are stable: scripts match on them.
enum class PasswordRule {
    invalid_utf8,
    control_character,
    too_short,
    too_long,
    needs_digit_or_symbol,
    contains_email,
    contains_company,
    contains_password_word,
    common_password,
    repetitive,
};

// Returns the stable machine-readable code of `rule`, for example "too_short".
std::string_view rule_code(PasswordRule rule);

// One broken rule, with a message for people that says what to do about it. Never quotes the password.
struct PasswordViolation {
    PasswordRule rule;
    std::string message;
};

// What the password must not resemble.
struct PasswordContext {
    std::string_view api_user_email;  // the API user's generated username, e.g. apiuser-3f9a1c2b7d4e@x.com
    std::string_view company_name;    // the account's company name
    std::string_view actor_email;     // the acting member's email address; empty when unknown
};

// Returns the NFKC normal form of `password`, the form that is checked and hashed, so that the same
// password typed through different keyboards or input methods is the same password. When `password` is
// not valid UTF-8 it is returned unchanged (the policy then rejects it, and it can never verify).
Secret normalize_password(std::string_view password);

// Checks `password` (as typed; normalised here) against every rule of the policy in `context` and returns
// every violation, in the order of PasswordRule; empty when the password is acceptable.
std::vector<PasswordViolation> check_password(std::string_view password, const PasswordContext& context);

// Throws the PasswordRejected that input longer than max_password_input_bytes gets.
[[noreturn]] void reject_overlong_password();

// The one entry point for commands that set a password: returns the normalised password to hash, or
// throws PasswordRejected listing every violation.
Secret enforce_password_policy(std::string_view password, const PasswordContext& context);

}  // namespace apiuser
