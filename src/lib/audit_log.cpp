#include <apiuser/audit_log.hpp>
#include <apiuser/username.hpp>

#include "audit.hpp"
#include "permissions.hpp"
#include "records.hpp"
#include "store_impl.hpp"

namespace apiuser {

void audit(SQLite::Database& db, const Session& session, std::string_view action, std::string_view target,
           const nlohmann::json& details) {
    records::append_audit(db,
                          AuditEntry{0, session.clock.now(), session.actor, std::string{action}, std::string{target},
                                     details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

void read_audit_log(Session& session, const AuditFilter& filter, const std::function<void(const AuditEntry&)>& sink) {
    session.store.impl().read([&](SQLite::Database& db) {
        require_member(db, session);
        AuditFilter canonical = filter;
        // An API user may be named by id or in any case; the log stores its canonical username.
        const auto domain = records::load_account(db).domain;
        if (const auto id = parse_api_user_reference(filter.target, domain)) {
            canonical.target = make_username(*id, domain);
        }
        records::for_each_audit_entry(db, canonical, sink);
    });
}

}  // namespace apiuser
