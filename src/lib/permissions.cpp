#include "permissions.hpp"

#include <fmt/format.h>

#include <apiuser/errors.hpp>

#include "records.hpp"

namespace apiuser {

namespace {

std::string owner_login(SQLite::Database& db) {
    return records::load_account(db).owner;
}

}  // namespace

Member require_member(SQLite::Database& db, const Session& session) {
    if (auto member = records::find_member(db, session.actor)) {
        return *member;
    }
    throw Error(
        ErrorKind::permission_denied,
        fmt::format("permission denied: '{}' is not a member of this account", session.actor),
        fmt::format("ask the owner ({}) or an admin to run 'apiuser member add {}'", owner_login(db), session.actor));
}

Member require_account_manager(SQLite::Database& db, const Session& session, std::string_view what) {
    const Member member = require_member(db, session);
    if (!may_manage_account(member)) {
        throw Error(ErrorKind::permission_denied,
                    fmt::format("permission denied: only the account owner ({}) or an admin (a member with Can "
                                "manage account) may {}",
                                owner_login(db), what),
                    fmt::format("ask one of them to run 'apiuser member set {} --manage-account'", session.actor));
    }
    return member;
}

}  // namespace apiuser
