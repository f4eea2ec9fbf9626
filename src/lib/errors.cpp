#include <fmt/format.h>

#include <apiuser/errors.hpp>

namespace apiuser {

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
