#include <apiuser/completion.hpp>

#include "permissions.hpp"
#include "store/backend.hpp"
#include "store/records.hpp"

namespace apiuser {

void for_each_api_user_name(Session& session, std::span<const ApiUserStatus> statuses, std::string_view prefix,
                            const std::function<void(const ApiUserName&)>& sink) {
    store::read(session.store, [&](store::Records& records) {
        require_member(records, session);
        records.for_each_api_user_name_starting_with(statuses, prefix, sink);
    });
}

}  // namespace apiuser
