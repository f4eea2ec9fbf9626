#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <apiuser/api_user.hpp>
#include <apiuser/secret.hpp>
#include <apiuser/session.hpp>

namespace apiuser {

struct NewApiUser {
    std::string description;
    bool disabled = false;
    std::optional<Secret> password;  // as typed; nullopt: generate one
};

struct CreatedApiUser {
    ApiUser user;
    // Another enabled API user already has this description (case-insensitively): the caller should
    // recommend one API user per integrated system.
    bool description_in_use = false;
    std::optional<Secret> generated_password;  // set when the library generated it: show it once
};

// Creates an API user with a generated username (owner or admin only, audited). The password is checked
// against the policy, normalised and hashed before the write transaction opens; throws PasswordRejected
// with every violation. With `dry_run` everything is checked but nothing is written.
CreatedApiUser create_api_user(Session& session, const NewApiUser& request, bool dry_run = false);

struct ApiUserFilter {
    std::optional<ApiUserStatus> status;  // only this status
    bool include_revoked = false;         // ignored when `status` is set
};

// Calls `sink` for each API user matching `filter`, in creation order, streaming (memory does not grow
// with the number of users); any member may list.
void list_api_users(Session& session, const ApiUserFilter& filter, const std::function<void(const ApiUser&)>& sink);

// Returns the API user named by `reference`: its username (any case) or its 12-hex id. Throws
// Error(not_found), suggesting close names, when there is none.
ApiUser describe_api_user(Session& session, std::string_view reference);

// Sets the description of `reference` (owner or admin only, audited); "" clears it.
ApiUser set_description(Session& session, std::string_view reference, std::string_view description);

// Outcome of a status change for one API user.
struct StatusChange {
    ApiUser user;
    bool changed = false;  // false when it was already in the requested state
};

// Enables or disables every API user in `references` in one transaction: all or nothing (owner or admin
// only, audited per actual change). Throws Error(invalid_state) if any is revoked, Error(not_found) if any
// does not exist.
std::vector<StatusChange> set_enabled(Session& session, std::span<const std::string> references, bool enabled);

// Revokes every API user in `references` for good, in one transaction: the hash is erased and the user
// can never be enabled again. Revoking a revoked user changes nothing.
std::vector<StatusChange> revoke(Session& session, std::span<const std::string> references);

// Checks `password` (as typed) against the policy as create_api_user (when `reference` is empty,
// before the username is chosen) or change_password (for the API user `reference`) will check it,
// so that a prompt can refuse it before asking for it a second time. Owner or admin only; throws
// PasswordRejected with every violation. The command itself checks again.
void check_new_password(Session& session, const Secret& password, std::string_view reference = {});

// Checks a description (at most 255 code points of valid UTF-8, no control characters, no
// bidirectional overrides); throws Error(invalid_input) naming the problem.
void validate_description(std::string_view description);

}  // namespace apiuser
