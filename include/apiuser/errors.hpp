#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace apiuser {

// What went wrong, in the terms a caller can act on. The CLI maps each kind to one exit code
// (src/cli/exit_codes.hpp); library callers branch on it instead of parsing messages.
enum class ErrorKind {
    store,                  // the store cannot be used as it is: none there, bad permissions, a newer schema
    store_busy,             // transient: another process holds the store's write lock; retry later
    store_unavailable,      // transient: the store could not be read or written (disk full, I/O error)
    store_damaged,          // the store is corrupt or was altered by another program; retrying cannot help
    invalid_input,          // the caller passed something malformed
    not_found,              // no such API user or member
    password_rejected,      // the password breaks the policy
    invalid_state,          // the request conflicts with the current state (exists, revoked, ...)
    authentication_failed,  // a credential did not verify
    permission_denied,      // the actor may not do this
};

// True for the failures that retrying the same request later may cure (an HTTP front end answers 503).
constexpr bool is_transient(ErrorKind kind) noexcept {
    return kind == ErrorKind::store_busy || kind == ErrorKind::store_unavailable;
}

// True for every failure of the store or the system rather than of the request.
constexpr bool is_store_failure(ErrorKind kind) noexcept {
    return kind == ErrorKind::store || kind == ErrorKind::store_busy || kind == ErrorKind::store_unavailable ||
           kind == ErrorKind::store_damaged;
}

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

}  // namespace apiuser
