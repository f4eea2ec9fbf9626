#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <apiuser/clock.hpp>
#include <apiuser/session.hpp>

namespace apiuser {

// An account user: a person (identified by OS login name) who may use this tool on the account.
// Named "member" everywhere so that it is never confused with an API user.
struct Member {
    std::string login;
    std::string email;  // empty when unknown
    bool owner = false;
    bool can_manage_account = false;  // the owner always can, whatever this says
    Timestamp added_at;
    std::string added_by;
};

// True when `member` may create and change API users and members: the owner, or an admin.
bool may_manage_account(const Member& member);

struct NewMember {
    std::string login;
    std::string email;  // may be empty
    bool can_manage_account = false;
    // Add a login that this system does not know (yet): a member added ahead of time. Otherwise a
    // login the password database (files, LDAP, SSSD, ...) does not know is refused as a likely
    // typo.
    bool allow_unknown_login = false;
};

// Adds `member` to the account (owner or admin only, audited). Throws Error(invalid_state) if the
// login is already a member, Error(invalid_input) for a malformed login or email, or a login this
// system does not know unless `allow_unknown_login`.
Member add_member(Session& session, const NewMember& member);

struct PermissionChange {
    Member member;
    bool changed = false;  // false when the member already had that permission
};

// Grants or withdraws "Can manage account" for `login` (owner or admin only, audited when it changes).
// The owner cannot be demoted.
PermissionChange set_member_permission(Session& session, std::string_view login, bool can_manage_account);

// Removes `login` from the account (owner or admin only, audited). The owner cannot be removed.
void remove_member(Session& session, std::string_view login);

// Returns every member, owner first, then by login; any member may list them.
std::vector<Member> list_members(Session& session);

// Throws Error(permission_denied) unless the session's actor is the owner or an admin; `what` says what
// they were about to do ("create API users"). Operations check this themselves; callers use it only to
// fail before asking a person for input they would not need.
void require_account_manager(Session& session, std::string_view what);

// Checks `login` for the POSIX portable user name syntax, with the '@' of SSSD and Active Directory
// names (dave@corp.example) and a trailing '$'; throws Error(invalid_input) naming the problem.
void validate_login(std::string_view login);

// Checks `email` for a plausible address (one @, no spaces or control characters, at most 254
// bytes); throws Error(invalid_input) naming the problem.
void validate_email(std::string_view email);

}  // namespace apiuser
