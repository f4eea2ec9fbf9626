#pragma once

// Finding an API user from what a person typed, for every operation that takes a USERNAME.

#include <string_view>

#include <apiuser/api_user.hpp>

#include "store/records.hpp"

namespace apiuser {

// Returns the API user named by `reference` (username in any case, local part, or 12-hex id) in an account
// whose usernames end in @`domain`; throws Error(not_found) with "did you mean" suggestions otherwise.
ApiUser find_api_user_by_reference(store::Records& records, std::string_view reference, std::string_view domain);

}  // namespace apiuser
