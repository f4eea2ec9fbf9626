#include <apiuser/errors.hpp>

#include "store/sqlite/columns.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace apiuser::store::sqlite {

void SqliteRecords::append_audit(const AuditEntry& entry) {
    SQLite::Statement insert{db_, "INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)"};
    insert.bind(1, format_timestamp(entry.at));
    insert.bind(2, entry.actor);
    insert.bind(3, entry.action);
    insert.bind(4, entry.target);
    insert.bind(5, entry.details);
    insert.exec();
}

void SqliteRecords::for_each_audit_entry(const AuditFilter& filter,
                                         const std::function<void(const AuditEntry&)>& sink) {
    std::string sql = "SELECT seq, at, actor, action, target, details FROM audit_log WHERE 1";
    if (filter.since) {
        sql += " AND at >= :since";
    }
    if (!filter.target.empty()) {
        sql += " AND target = :target";
    }
    sql += " ORDER BY seq";
    SQLite::Statement query{db_, sql};
    if (filter.since) {
        query.bind(":since", format_timestamp(*filter.since));
    }
    if (!filter.target.empty()) {
        query.bind(":target", filter.target);
    }
    while (query.executeStep()) {
        AuditEntry entry;
        entry.sequence = query.getColumn(0).getInt64();
        entry.at = timestamp_column(query.getColumn(1));
        entry.actor = query.getColumn(2).getString();
        entry.action = query.getColumn(3).getString();
        entry.target = query.getColumn(4).getString();
        entry.details = query.getColumn(5).getString();
        sink(entry);
    }
}

}  // namespace apiuser::store::sqlite
