#pragma once

// The one table of exit codes. README.md and man/apiuser.1 list the same table; tests/shell/man_test.py
// checks that they agree with this one.

#include <array>
#include <string_view>

#include <apiuser/errors.hpp>

namespace apiuser::cli {

enum class ExitCode : int {
    success = 0,
    store_error = 1,
    usage = 2,
    not_found = 3,
    password_rejected = 4,
    invalid_state = 5,
    authentication_failed = 6,
    permission_denied = 7,
};

struct ExitCodeMeaning {
    ExitCode code;
    std::string_view meaning;
};

inline constexpr std::array exit_code_table{
    ExitCodeMeaning{ExitCode::success, "success"},
    ExitCodeMeaning{ExitCode::store_error, "store or system error"},
    ExitCodeMeaning{ExitCode::usage, "usage or invalid input"},
    ExitCodeMeaning{ExitCode::not_found, "not found"},
    ExitCodeMeaning{ExitCode::password_rejected, "password rejected by policy"},
    ExitCodeMeaning{ExitCode::invalid_state, "invalid state (exists already, revoked, ...)"},
    ExitCodeMeaning{ExitCode::authentication_failed, "authentication failed"},
    ExitCodeMeaning{ExitCode::permission_denied, "permission denied"},
};

constexpr ExitCode exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::store:
        case ErrorKind::store_busy:
        case ErrorKind::store_unavailable:
        case ErrorKind::store_damaged:
            return ExitCode::store_error;
        case ErrorKind::invalid_input:
            return ExitCode::usage;
        case ErrorKind::not_found:
            return ExitCode::not_found;
        case ErrorKind::password_rejected:
            return ExitCode::password_rejected;
        case ErrorKind::invalid_state:
            return ExitCode::invalid_state;
        case ErrorKind::authentication_failed:
            return ExitCode::authentication_failed;
        case ErrorKind::permission_denied:
            return ExitCode::permission_denied;
    }
    return ExitCode::store_error;
}

// The machine-readable name of `kind`, as JSON error objects give it in "error".
constexpr std::string_view error_code_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::store:
        case ErrorKind::store_busy:
        case ErrorKind::store_unavailable:
        case ErrorKind::store_damaged:
            return "store_error";  // JSON errors tell the transient ones apart with "retryable"
        case ErrorKind::invalid_input:
            return "invalid_input";
        case ErrorKind::not_found:
            return "not_found";
        case ErrorKind::password_rejected:
            return "password_rejected";
        case ErrorKind::invalid_state:
            return "invalid_state";
        case ErrorKind::authentication_failed:
            return "authentication_failed";
        case ErrorKind::permission_denied:
            return "permission_denied";
    }
    return "store_error";
}

}  // namespace apiuser::cli
