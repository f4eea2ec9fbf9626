#pragma once

// What a shell may offer while a person types a command line. Completion runs on every Tab press, so it
// reads only the columns it shows, filters in the store, and writes nothing (no audit, no last-used).

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <apiuser/api_user.hpp>
#include <apiuser/session.hpp>

namespace apiuser {

// An API user as completion shows it: the names a person may type, and what it is for.
struct ApiUserName {
    std::string id;        // the 12 lowercase hex digits
    std::string username;  // apiuser-<id>@<domain>
    std::string description;
};

// Calls `sink` for each API user whose status is one of `statuses` and whose username or id starts with
// `prefix` (ASCII letters in any case), in creation order, from one snapshot. Any member may; throws
// Error(permission_denied) when the session's actor is not a member.
void for_each_api_user_name(Session& session, std::span<const ApiUserStatus> statuses, std::string_view prefix,
                            const std::function<void(const ApiUserName&)>& sink);

}  // namespace apiuser
