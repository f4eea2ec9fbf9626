#pragma once

// Row-level access to the store's tables: the only SQL outside store.cpp and schema.cpp. Each function
// runs inside a transaction opened by Store::Impl::write or read.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <apiuser/account.hpp>
#include <apiuser/api_user.hpp>
#include <apiuser/api_users.hpp>
#include <apiuser/audit_log.hpp>
#include <apiuser/completion.hpp>
#include <apiuser/members.hpp>

namespace apiuser::records {

// The text of `column`, valid until the statement moves on: no copy, unlike getString().
inline std::string_view text_column(const SQLite::Column& column) {
    const char* text = column.getText();  // before getBytes(), which needs the text form to exist
    return {text, static_cast<std::size_t>(column.getBytes())};
}

// Timestamps are stored as RFC 3339 text, which sorts by time and reads well in a `sqlite3` session.
inline std::optional<Timestamp> optional_timestamp_column(const SQLite::Column& column) {
    return column.isNull() ? std::nullopt : parse_timestamp(text_column(column));
}
inline Timestamp timestamp_column(const SQLite::Column& column) {
    return optional_timestamp_column(column).value_or(Timestamp{});
}

AccountSettings load_account(SQLite::Database& db);
void insert_account(SQLite::Database& db, const AccountSettings& account);
void update_account(SQLite::Database& db, const AccountSettings& account);

std::optional<Member> find_member(SQLite::Database& db, std::string_view login);
std::vector<Member> all_members(SQLite::Database& db);
void insert_member(SQLite::Database& db, const Member& member);
void update_member_permission(SQLite::Database& db, std::string_view login, bool can_manage_account);
void delete_member(SQLite::Database& db, std::string_view login);

// What the library needs to verify a password; never leaves the library.
struct Credential {
    std::string id;
    std::string username;
    ApiUserStatus status = ApiUserStatus::revoked;
    std::string password_hash;           // empty once revoked
    std::string previous_password_hash;  // empty unless an old password may still work
    std::optional<Timestamp> previous_password_expires_at;
    std::optional<Timestamp> last_used_at;
    std::int64_t failed_attempts = 0;
};

bool api_user_id_taken(SQLite::Database& db, std::string_view id);
bool enabled_description_exists(SQLite::Database& db, std::string_view description_key);
void insert_api_user(SQLite::Database& db, const ApiUser& user, std::string_view description_key,
                     std::string_view password_hash);
std::optional<ApiUser> find_api_user(SQLite::Database& db, std::string_view id);
std::optional<Credential> find_credential(SQLite::Database& db, std::string_view id);
void for_each_api_user(SQLite::Database& db, const ApiUserFilter& filter,
                       const std::function<void(const ApiUser&)>& sink);
// Calls `sink` with the id of every API user, revoked ones included, for "did you mean" suggestions.
void for_each_api_user_id(SQLite::Database& db, const std::function<void(std::string_view)>& sink);
void update_description(SQLite::Database& db, std::string_view id, std::string_view description,
                        std::string_view description_key, Timestamp at, std::string_view by);
void update_status(SQLite::Database& db, std::string_view id, ApiUserStatus status, Timestamp at, std::string_view by);
// Marks `id` revoked and erases its password hashes.
void revoke_api_user(SQLite::Database& db, std::string_view id, Timestamp at, std::string_view by);
// Sets a new password hash; the current one becomes the previous one until `keep_until`, or with no
// `keep_until` every older hash is erased. Resets the failure counter.
void set_password_hash(SQLite::Database& db, std::string_view id, std::string_view hash,
                       std::optional<Timestamp> keep_until, Timestamp at, std::string_view by);
// Replaces the current hash `expected` by `upgraded`, a stronger hash of the same password, unless the
// password changed meanwhile. The previous password, if any, is left alone.
void upgrade_password_hash(SQLite::Database& db, std::string_view id, std::string_view expected,
                           std::string_view upgraded);
// Records a successful verification: the time when `last_used` is set, and no failures since.
void record_success(SQLite::Database& db, std::string_view id, std::optional<Timestamp> last_used);
// Counts one more failed verification.
void record_failure(SQLite::Database& db, std::string_view id);
// Erases every previous password whose overlap ended at or before `now`.
void erase_expired_previous_passwords(SQLite::Database& db, Timestamp now);

// Calls `sink` for each API user with one of `statuses` whose username or id starts with `prefix`, by seq.
void for_each_api_user_name(SQLite::Database& db, std::span<const ApiUserStatus> statuses, std::string_view prefix,
                            const std::function<void(const ApiUserName&)>& sink);

void append_audit(SQLite::Database& db, const AuditEntry& entry);
void for_each_audit_entry(SQLite::Database& db, const AuditFilter& filter,
                          const std::function<void(const AuditEntry&)>& sink);

}  // namespace apiuser::records
