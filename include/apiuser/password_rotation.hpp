#pragma once

// Changing an API user's password, with an optional overlap during which the old one keeps working.

#include <chrono>
#include <optional>
#include <string_view>

#include <apiuser/api_user.hpp>
#include <apiuser/secret.hpp>
#include <apiuser/session.hpp>

namespace apiuser {

// The longest time an old password may keep working after a rotation.
inline constexpr std::chrono::seconds max_password_overlap{30 * 24 * 3600};

struct PasswordChange {
    std::optional<Secret> password;                    // as typed; nullopt: generate one
    std::optional<std::chrono::seconds> keep_old_for;  // keep the old password working this long
};

struct ChangedPassword {
    ApiUser user;
    std::optional<Secret> generated_password;  // set when the library generated it: show it once
};

// Gives `reference` a new password (owner or admin only, audited): full policy, and it must differ from
// the current one. With `keep_old_for` the current password keeps working until then (replacing any old
// password still kept); otherwise every older password stops working at once. Throws
// Error(invalid_state) for a revoked user. With `dry_run` everything is checked but nothing is written.
ChangedPassword change_password(Session& session, std::string_view reference, const PasswordChange& change,
                                bool dry_run = false);

}  // namespace apiuser
