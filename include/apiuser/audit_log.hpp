#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <apiuser/clock.hpp>
#include <apiuser/session.hpp>

namespace apiuser {

// One row of the append-only audit log, written in the same transaction as the change it records.
struct AuditEntry {
    std::int64_t sequence = 0;
    Timestamp at;
    std::string actor;    // login of the member who acted
    std::string action;   // e.g. "api_user.create", "member.add"
    std::string target;   // the API username, member login or "account"
    std::string details;  // a JSON object; never a secret
};

struct AuditFilter {
    std::optional<Timestamp> since;  // entries at or after this instant
    std::string target;              // exact target (API usernames compared case-insensitively); empty: any
};

// Calls `sink` for each entry matching `filter`, oldest first, without holding them all in memory; any
// member may read the log.
void read_audit_log(Session& session, const AuditFilter& filter, const std::function<void(const AuditEntry&)>& sink);

}  // namespace apiuser
