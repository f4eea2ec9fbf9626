#pragma once

// Writing the audit log: every change appends its row in the same transaction as the change, so that the
// log and the store never disagree.

#include <string_view>

#include <nlohmann/json.hpp>

#include <apiuser/clock.hpp>
#include <apiuser/session.hpp>

#include "store/records.hpp"

namespace apiuser {

// Appends one audit row for a change made by `actor` at `at`, in the caller's transaction. `details` must
// never hold a secret.
void audit(store::Records& records, Timestamp at, std::string_view actor, std::string_view action,
           std::string_view target, const nlohmann::json& details = nlohmann::json::object());

// The same, for a change made by `session.actor` now.
void audit(store::Records& records, const Session& session, std::string_view action, std::string_view target,
           const nlohmann::json& details = nlohmann::json::object());

}  // namespace apiuser
