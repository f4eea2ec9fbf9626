#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <apiuser/clock.hpp>
#include <apiuser/password_hash.hpp>

namespace apiuser {

enum class ApiUserStatus { enabled, disabled, revoked };

// Returns "enabled", "disabled" or "revoked".
std::string_view to_string(ApiUserStatus status);

// Parses one of the names above from `text`; nullopt for anything else.
std::optional<ApiUserStatus> parse_status(std::string_view text);

// An API user as the library shows it: every field but the password hash and salt.
struct ApiUser {
    std::string id;        // the 12 lowercase hex digits of the username
    std::string username;  // apiuser-<id>@<domain>, generated, never edited
    std::string description;
    ApiUserStatus status = ApiUserStatus::enabled;
    Timestamp created_at;
    std::string created_by;
    Timestamp updated_at;
    std::string updated_by;
    std::optional<Timestamp> revoked_at;
    std::string revoked_by;  // empty unless revoked
    std::optional<Timestamp> last_used_at;
    std::int64_t failed_attempts = 0;  // consecutive failed verifications since the last success
    std::optional<PhcHash> hash;       // scheme and parameters of the current hash; none once revoked
    std::optional<Timestamp> previous_password_expires_at;  // set while an old password still works
};

}  // namespace apiuser
