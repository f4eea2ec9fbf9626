// Every schema change lives here, as one more entry in `migrations`: the store's PRAGMA user_version says
// how many of them it has had. Never edit a released migration; append a new one.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <apiuser/errors.hpp>

#include "store/sqlite/sqlite_backend.hpp"

namespace apiuser::store::sqlite {

namespace {

constexpr std::array<std::string_view, 1> migrations{
    // 1: the account, its members, its API users and the audit log.
    R"sql(
CREATE TABLE account (
    singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
    company            TEXT NOT NULL,
    domain             TEXT NOT NULL,
    argon2_memory_kib  INTEGER NOT NULL,
    argon2_iterations  INTEGER NOT NULL,
    argon2_parallelism INTEGER NOT NULL,
    created_at         TEXT NOT NULL
) STRICT;

CREATE TABLE members (
    login              TEXT PRIMARY KEY,
    email              TEXT NOT NULL DEFAULT '',
    is_owner           INTEGER NOT NULL DEFAULT 0 CHECK (is_owner IN (0, 1)),
    can_manage_account INTEGER NOT NULL DEFAULT 0 CHECK (can_manage_account IN (0, 1)),
    added_at           TEXT NOT NULL,
    added_by           TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX members_one_owner ON members (is_owner) WHERE is_owner = 1;

CREATE TABLE api_users (
    seq                          INTEGER PRIMARY KEY,
    id                           TEXT NOT NULL UNIQUE CHECK (length(id) = 12),
    username                     TEXT NOT NULL UNIQUE,
    description                  TEXT NOT NULL DEFAULT '',
    description_key              TEXT NOT NULL DEFAULT '',
    status                       TEXT NOT NULL CHECK (status IN ('enabled', 'disabled', 'revoked')),
    password_hash                TEXT,
    previous_password_hash       TEXT,
    previous_password_expires_at TEXT,
    created_at                   TEXT NOT NULL,
    created_by                   TEXT NOT NULL,
    updated_at                   TEXT NOT NULL,
    updated_by                   TEXT NOT NULL,
    revoked_at                   TEXT,
    revoked_by                   TEXT,
    last_used_at                 TEXT,
    failed_attempts              INTEGER NOT NULL DEFAULT 0,
    CHECK ((status = 'revoked') = (password_hash IS NULL)),
    CHECK (previous_password_hash IS NULL OR status <> 'revoked')
) STRICT;
CREATE INDEX api_users_enabled_description ON api_users (description_key) WHERE status = 'enabled';
CREATE INDEX api_users_previous_password_expiry ON api_users (previous_password_expires_at)
    WHERE previous_password_expires_at IS NOT NULL;

CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_log_target ON audit_log (target);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
};

// One object of sqlite_schema: a table, index, trigger or view, and the SQL that made it.
struct SchemaObject {
    std::string type;
    std::string name;
    std::string table;
    std::string sql;

    friend auto operator<=>(const SchemaObject&, const SchemaObject&) = default;
};

// Every object of `db`'s schema, SQLite's own (sqlite_sequence, automatic indexes) included, sorted.
std::vector<SchemaObject> schema_of(SQLite::Database& db) {
    std::vector<SchemaObject> objects;
    SQLite::Statement query{db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM main.sqlite_schema"};
    while (query.executeStep()) {
        objects.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                           query.getColumn(2).getString(), query.getColumn(3).getString()});
    }
    std::sort(objects.begin(), objects.end());
    return objects;
}

// The schema that the first `version` migrations make, as SQLite records it.
std::vector<SchemaObject> schema_of_version(int version) {
    SQLite::Database scratch{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    for (auto step = 0; step < version; ++step) {
        scratch.exec(std::string{migrations.at(static_cast<std::size_t>(step))});
    }
    return schema_of(scratch);
}

const std::vector<SchemaObject>& expected_schema(int version) {
    static const auto current = schema_of_version(current_schema_version());
    if (version == current_schema_version()) {
        return current;
    }
    thread_local std::vector<SchemaObject> older;
    older = schema_of_version(version);
    return older;
}

std::string describe(const SchemaObject& object) {
    return fmt::format("{} '{}'", object.type, object.name);
}

}  // namespace

void check_schema(SQLite::Database& db, int version, const std::filesystem::path& path) {
    const auto& expected = expected_schema(version);
    const auto found = schema_of(db);
    std::vector<std::string> differences;
    const auto same_name = [](const SchemaObject& a, const SchemaObject& b) {
        return std::tie(a.type, a.name) == std::tie(b.type, b.name);
    };
    for (const auto& object : found) {
        const auto match =
            std::find_if(expected.begin(), expected.end(), [&](const SchemaObject& e) { return same_name(e, object); });
        if (match == expected.end()) {
            differences.push_back("unexpected " + describe(object));
        } else if (*match != object) {
            differences.push_back("changed " + describe(object));
        }
    }
    for (const auto& object : expected) {
        if (std::none_of(found.begin(), found.end(), [&](const SchemaObject& f) { return same_name(f, object); })) {
            differences.push_back("missing " + describe(object));
        }
    }
    if (!differences.empty()) {
        throw Error(
            ErrorKind::store_damaged,
            fmt::format("store schema has been altered in '{}': {}", path.string(), fmt::join(differences, ", ")),
            "another program (or damage) changed the store's tables, indexes or triggers, and apiuser "
            "will not run what they might do: restore the store from a backup");
    }
}

int current_schema_version() {
    return static_cast<int>(migrations.size());
}

void migrate(SQLite::Database& db, int from_version) {
    for (auto version = static_cast<std::size_t>(from_version); version < migrations.size(); ++version) {
        db.exec(std::string{migrations[version]});
    }
    db.exec("PRAGMA application_id = " + std::to_string(apiuser_application_id));
    db.exec("PRAGMA user_version = " + std::to_string(current_schema_version()));
}

}  // namespace apiuser::store::sqlite
