#include <apiuser/audit_log.hpp>
#include <apiuser/username.hpp>

#include "permissions.hpp"
#include "store/backend.hpp"
#include "store/records.hpp"

namespace apiuser {

void read_audit_log(Session& session, const AuditFilter& filter, const std::function<void(const AuditEntry&)>& sink) {
    store::read(session.store, [&](store::Records& records) {
        require_member(records, session);
        AuditFilter canonical = filter;
        // An API user may be named by id or in any case; the log stores its canonical username.
        const auto domain = records.load_account().domain;
        if (const auto id = parse_api_user_reference(filter.target, domain)) {
            canonical.target = make_username(*id, domain);
        }
        records.for_each_audit_entry(canonical, sink);
    });
}

}  // namespace apiuser
