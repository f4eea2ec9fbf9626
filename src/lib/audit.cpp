#include "audit.hpp"

#include <apiuser/audit_log.hpp>

namespace apiuser {

void audit(store::Records& records, Timestamp at, std::string_view actor, std::string_view action,
           std::string_view target, const nlohmann::json& details) {
    records.append_audit(AuditEntry{0, at, std::string{actor}, std::string{action}, std::string{target},
                                    details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

void audit(store::Records& records, const Session& session, std::string_view action, std::string_view target,
           const nlohmann::json& details) {
    audit(records, session.clock.now(), session.actor, action, target, details);
}

}  // namespace apiuser
