#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <apiuser/errors.hpp>
#include <apiuser/secret.hpp>

namespace apiuser {

inline constexpr std::size_t min_password_code_points = 8;
inline constexpr std::size_t max_password_code_points = 256;
// Readers stop after this many bytes: even NFKC composition (which can fold a few code points into one)
// cannot bring a longer input down to max_password_code_points, so it is rejected as too long without
// being read to the end, and a 100 MB standard input costs nothing.
inline constexpr std::size_t max_password_input_bytes = 16 * 1024;

// One rule of the password policy. The codes (see `rule_code`) are stable: scripts match on them. Every
// rule looks at the password's NFKC form; the comparisons (email, company, "password", the blocklist, the
// patterns) at its locale-independent case folding without default-ignorable characters. README.md's
// "Password policy" section is the reference for users.
enum class PasswordRule {
    invalid_utf8,            // not well-formed UTF-8
    control_character,       // NUL or another control character (General_Category Cc)
    too_short,               // fewer than min_password_code_points code points
    too_long,                // more than max_password_code_points code points (or input bytes)
    needs_digit_or_symbol,   // only letters: no digit, space or other symbol
    contains_email,          // the API user's username, local part or id; the actor's email or local part
    contains_company,        // the company name (letters and digits only) or a distinctive word of it
    contains_password_word,  // "password", even with separators or substitutions (p@ss-w0rd)
    common_password,         // on the compiled-in list of common passwords
    repetitive,              // letters and digits that are one character repeated or one run (abcd, 4321)
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
// not valid UTF-8, or longer than max_password_input_bytes, it is returned unchanged (the policy rejects
// both, so it can never verify).
Secret normalize_password(std::string_view password);

// Checks `password` (as typed; normalised here) against every rule of the policy in `context` and returns
// every violation, in the order of PasswordRule; empty when the password is acceptable. Input longer than
// max_password_input_bytes gets too_long alone, without being looked at further. Pure: it depends on
// neither the process locale nor any file.
std::vector<PasswordViolation> check_password(std::string_view password, const PasswordContext& context);

// Throws the PasswordRejected that input longer than max_password_input_bytes gets.
[[noreturn]] void reject_overlong_password();

// The one entry point for commands that set a password: returns the normalised password to hash, or
// throws PasswordRejected listing every violation.
Secret enforce_password_policy(std::string_view password, const PasswordContext& context);

// A password that breaks the policy; carries every violation, not only the first.
class PasswordRejected : public Error {
  public:
    explicit PasswordRejected(std::vector<PasswordViolation> violations);

    const std::vector<PasswordViolation>& violations() const noexcept { return violations_; }

  private:
    std::vector<PasswordViolation> violations_;
};

}  // namespace apiuser
