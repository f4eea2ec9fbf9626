// Every schema change lives here, as one more entry in `migrations`: the store's PRAGMA user_version says
// how many of them it has had. Never edit a released migration; append a new one.

#include <array>
#include <string_view>

#include "store_impl.hpp"

namespace apiuser {

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

}  // namespace

int current_schema_version() { return static_cast<int>(migrations.size()); }

void migrate(SQLite::Database& db, int from_version) {
    for (auto version = static_cast<std::size_t>(from_version); version < migrations.size(); ++version) {
        db.exec(std::string{migrations[version]});
    }
    db.exec("PRAGMA application_id = " + std::to_string(apiuser_application_id));
    db.exec("PRAGMA user_version = " + std::to_string(current_schema_version()));
}

}  // namespace apiuser
