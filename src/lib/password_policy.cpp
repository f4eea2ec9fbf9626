#include <algorithm>

#include <fmt/format.h>

#include <apiuser/errors.hpp>
#include <apiuser/password_policy.hpp>

#include "unicode.hpp"

namespace apiuser {

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
    if (!unicode::is_valid_utf8(password)) {
        return Secret{password};
    }
    return Secret{unicode::nfkc(password)};
}

std::vector<PasswordViolation> check_password(std::string_view password, const PasswordContext& context) {
    std::vector<PasswordViolation> violations;
    if (!unicode::is_valid_utf8(password)) {
        violations.push_back({PasswordRule::invalid_utf8, "the password is not valid UTF-8"});
        return violations;
    }
    const auto length = unicode::count_code_points(password);
    if (length < min_password_code_points) {
        violations.push_back({PasswordRule::too_short, fmt::format("use at least {} characters", min_password_code_points)});
    }
    const bool has_digit_or_symbol = std::any_of(password.begin(), password.end(), [](char c) {
        return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    });
    if (!has_digit_or_symbol) {
        violations.push_back({PasswordRule::needs_digit_or_symbol, "include at least one digit or symbol"});
    }
    const auto folded = unicode::fold(password);
    if (!context.api_user_email.empty() && folded.find(unicode::fold(context.api_user_email)) != std::string::npos) {
        violations.push_back({PasswordRule::contains_email, "do not include the API user's email address"});
    }
    if (!context.company_name.empty() && folded.find(unicode::fold(context.company_name)) != std::string::npos) {
        violations.push_back({PasswordRule::contains_company, "do not include the company name"});
    }
    if (folded.find("password") != std::string::npos) {
        violations.push_back({PasswordRule::contains_password_word, "do not use the word \"password\""});
    }
    return violations;
}

void reject_overlong_password() {
    throw PasswordRejected({{PasswordRule::too_long, fmt::format("use at most {} characters", max_password_code_points)}});
}

Secret enforce_password_policy(std::string_view password, const PasswordContext& context) {
    auto violations = check_password(password, context);
    if (!violations.empty()) {
        throw PasswordRejected(std::move(violations));
    }
    return normalize_password(password);
}

}  // namespace apiuser
