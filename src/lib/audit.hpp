#pragma once

#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <apiuser/session.hpp>

namespace apiuser {

// Appends one audit row for a change made by `session.actor`, in the caller's transaction. `details`
// must never hold a secret.
void audit(SQLite::Database& db, const Session& session, std::string_view action, std::string_view target,
           const nlohmann::json& details = nlohmann::json::object());

}  // namespace apiuser
