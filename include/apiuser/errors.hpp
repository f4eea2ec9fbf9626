#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <apiuser/password_policy.hpp>

namespace apiuser {

// What went wrong, in the terms a caller can act on. The CLI maps each kind to one exit code
// (src/cli/exit_codes.hpp); library callers branch on it instead of parsing messages.
enum class ErrorKind {
    store,                  // the store or the system failed: I/O, corruption, busy, bad permissions
    invalid_input,          // the caller passed something malformed
    not_found,              // no such API user or member
    password_rejected,      // the password breaks the policy
    invalid_state,          // the request conflicts with the current state (exists, revoked, ...)
    authentication_failed,  // a credential did not verify
    permission_denied,      // the actor may not do this
};

// Every failure the library reports. `what()` is one line naming the problem; `hint()` (maybe
// empty) says what to do about it. Neither ever contains a secret.
class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message, std::string hint = {})
        : std::runtime_error(message), kind_(kind), hint_(std::move(hint)) {}

    ErrorKind kind() const noexcept { return kind_; }
    const std::string& hint() const noexcept { return hint_; }

  private:
    ErrorKind kind_;
    std::string hint_;
};

// A password that breaks the policy; carries every violation, not only the first.
class PasswordRejected : public Error {
  public:
    explicit PasswordRejected(std::vector<PasswordViolation> violations);

    const std::vector<PasswordViolation>& violations() const noexcept { return violations_; }

  private:
    std::vector<PasswordViolation> violations_;
};

}  // namespace apiuser
