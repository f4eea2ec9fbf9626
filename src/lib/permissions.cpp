#include "permissions.hpp"

#include <fmt/format.h>

#include <apiuser/errors.hpp>

#include "store/backend.hpp"
#include "store/records.hpp"

namespace apiuser {

namespace {

std::string owner_login(store::Records& records) {
    return records.load_account().owner;
}

}  // namespace

Member require_member(store::Records& records, const Session& session) {
    if (auto member = records.find_member(session.actor)) {
        return *member;
    }
    throw Error(ErrorKind::permission_denied,
                fmt::format("permission denied: '{}' is not a member of this account", session.actor),
                fmt::format("ask the owner ({}) or an admin to run 'apiuser member add {}'", owner_login(records),
                            session.actor));
}

Member require_account_manager(store::Records& records, const Session& session, std::string_view what) {
    const Member member = require_member(records, session);
    if (!may_manage_account(member)) {
        throw Error(ErrorKind::permission_denied,
                    fmt::format("permission denied: only the account owner ({}) or an admin (a member with Can "
                                "manage account) may {}",
                                owner_login(records), what),
                    fmt::format("ask one of them to run 'apiuser member set {} --manage-account'", session.actor));
    }
    return member;
}

void require_account_manager(Session& session, std::string_view what) {
    store::read(session.store, [&](store::Records& records) { require_account_manager(records, session, what); });
}

}  // namespace apiuser
