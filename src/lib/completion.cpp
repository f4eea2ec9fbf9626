#include <apiuser/completion.hpp>

#include "permissions.hpp"
#include "records.hpp"
#include "store_impl.hpp"

namespace apiuser {

void for_each_api_user_name(Session& session, std::span<const ApiUserStatus> statuses, std::string_view prefix,
                            const std::function<void(const ApiUserName&)>& sink) {
    session.store.impl().read([&](SQLite::Database& db) {
        require_member(db, session);
        records::for_each_api_user_name(db, statuses, prefix, sink);
    });
}

}  // namespace apiuser
