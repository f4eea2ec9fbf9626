#pragma once

// The permission rules, checked inside the transaction of every operation, so that a member demoted by
// another process a moment ago cannot slip a change through.

#include <string_view>

#include <apiuser/members.hpp>
#include <apiuser/session.hpp>

#include "store/records.hpp"

namespace apiuser {

// Returns the acting member, or throws Error(permission_denied) when the actor is not a member.
Member require_member(store::Records& records, const Session& session);

// Returns the acting member if it is the owner or an admin; otherwise throws Error(permission_denied)
// saying who may `what` (e.g. "create API users").
Member require_account_manager(store::Records& records, const Session& session, std::string_view what);

}  // namespace apiuser
