#include <apiuser/errors.hpp>

#include "store/sqlite/columns.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace apiuser::store::sqlite {

namespace {

constexpr const char* api_user_columns =
    "id, username, description, status, created_at, created_by, updated_at, updated_by, revoked_at, "
    "revoked_by, last_used_at, failed_attempts, password_hash, previous_password_expires_at";

// Reads the row into `user`, reusing its strings' memory: listing does this for every API user.
void read_api_user(const SQLite::Statement& row, ApiUser& user) {
    const auto text = [&row](int column, std::string& into) { into.assign(text_column(row.getColumn(column))); };
    text(0, user.id);
    text(1, user.username);
    text(2, user.description);
    // The CHECK constraint allows nothing else; a row that slipped past it is treated as the safest state.
    user.status = parse_status(row.getColumn(3).getText()).value_or(ApiUserStatus::revoked);
    user.created_at = timestamp_column(row.getColumn(4));
    text(5, user.created_by);
    user.updated_at = timestamp_column(row.getColumn(6));
    text(7, user.updated_by);
    user.revoked_at = optional_timestamp_column(row.getColumn(8));
    text(9, user.revoked_by);
    user.last_used_at = optional_timestamp_column(row.getColumn(10));
    user.failed_attempts = row.getColumn(11).getInt64();
    const auto hash = row.getColumn(12);
    user.hash = hash.isNull() ? std::nullopt : parse_phc_hash(text_column(hash));
    user.previous_password_expires_at = optional_timestamp_column(row.getColumn(13));
}

ApiUser read_api_user(const SQLite::Statement& row) {
    ApiUser user;
    read_api_user(row, user);
    return user;
}

}  // namespace

bool SqliteRecords::api_user_id_taken(std::string_view id) {
    SQLite::Statement query{db_, "SELECT 1 FROM api_users WHERE id = ?"};
    query.bind(1, std::string{id});
    return query.executeStep();
}

bool SqliteRecords::enabled_description_exists(std::string_view description_key) {
    SQLite::Statement query{db_, "SELECT 1 FROM api_users WHERE description_key = ? AND status = 'enabled'"};
    query.bind(1, std::string{description_key});
    return query.executeStep();
}

void SqliteRecords::insert_api_user(const ApiUser& user, std::string_view description_key,
                                    std::string_view password_hash) {
    SQLite::Statement insert{db_,
                             "INSERT INTO api_users (id, username, description, description_key, status, "
                             "password_hash, created_at, created_by, updated_at, updated_by) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
    insert.bind(1, user.id);
    insert.bind(2, user.username);
    insert.bind(3, user.description);
    insert.bind(4, std::string{description_key});
    insert.bind(5, std::string{to_string(user.status)});
    insert.bind(6, std::string{password_hash});
    insert.bind(7, format_timestamp(user.created_at));
    insert.bind(8, user.created_by);
    insert.bind(9, format_timestamp(user.updated_at));
    insert.bind(10, user.updated_by);
    insert.exec();
}

std::optional<ApiUser> SqliteRecords::find_api_user(std::string_view id) {
    SQLite::Statement query{db_, std::string{"SELECT "} + api_user_columns + " FROM api_users WHERE id = ?"};
    query.bind(1, std::string{id});
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_api_user(query);
}

std::optional<Credential> SqliteRecords::find_credential(std::string_view id) {
    SQLite::Statement query{
        db_,
        "SELECT id, username, status, password_hash, previous_password_hash, "
        "previous_password_expires_at, last_used_at, failed_attempts, updated_at FROM api_users WHERE id = ?"};
    query.bind(1, std::string{id});
    if (!query.executeStep()) {
        return std::nullopt;
    }
    Credential credential;
    credential.id = query.getColumn(0).getString();
    credential.username = query.getColumn(1).getString();
    credential.status = parse_status(query.getColumn(2).getString()).value_or(ApiUserStatus::revoked);
    credential.password_hash = query.getColumn(3).getString();
    credential.previous_password_hash = query.getColumn(4).getString();
    credential.previous_password_expires_at = optional_timestamp_column(query.getColumn(5));
    credential.last_used_at = optional_timestamp_column(query.getColumn(6));
    credential.failed_attempts = query.getColumn(7).getInt64();
    credential.updated_at = optional_timestamp_column(query.getColumn(8));
    return credential;
}

void SqliteRecords::for_each_api_user(const ApiUserFilter& filter, const std::function<void(const ApiUser&)>& sink) {
    std::string sql = std::string{"SELECT "} + api_user_columns + " FROM api_users";
    if (filter.status) {
        sql += " WHERE status = ?";
    } else if (!filter.include_revoked) {
        sql += " WHERE status <> 'revoked'";
    }
    sql += " ORDER BY seq";
    SQLite::Statement query{db_, sql};
    if (filter.status) {
        query.bind(1, std::string{to_string(*filter.status)});
    }
    ApiUser user;
    while (query.executeStep()) {
        read_api_user(query, user);
        sink(user);
    }
}

void SqliteRecords::for_each_api_user_id(const std::function<void(std::string_view)>& sink) {
    SQLite::Statement query{db_, "SELECT id FROM api_users ORDER BY seq"};
    while (query.executeStep()) {
        sink(query.getColumn(0).getText());
    }
}

void SqliteRecords::update_description(std::string_view id, std::string_view description,
                                       std::string_view description_key, Timestamp at, std::string_view by) {
    SQLite::Statement update{db_,
                             "UPDATE api_users SET description = ?, description_key = ?, updated_at = ?, "
                             "updated_by = ? WHERE id = ?"};
    update.bind(1, std::string{description});
    update.bind(2, std::string{description_key});
    update.bind(3, format_timestamp(at));
    update.bind(4, std::string{by});
    update.bind(5, std::string{id});
    update.exec();
}

void SqliteRecords::update_status(std::string_view id, ApiUserStatus status, Timestamp at, std::string_view by) {
    SQLite::Statement update{db_, "UPDATE api_users SET status = ?, updated_at = ?, updated_by = ? WHERE id = ?"};
    update.bind(1, std::string{to_string(status)});
    update.bind(2, format_timestamp(at));
    update.bind(3, std::string{by});
    update.bind(4, std::string{id});
    update.exec();
}

void SqliteRecords::revoke_api_user(std::string_view id, Timestamp at, std::string_view by) {
    SQLite::Statement update{db_,
                             "UPDATE api_users SET status = 'revoked', password_hash = NULL, "
                             "previous_password_hash = NULL, previous_password_expires_at = NULL, "
                             "revoked_at = ?1, revoked_by = ?2, updated_at = ?1, updated_by = ?2 WHERE id = ?3"};
    update.bind(1, format_timestamp(at));
    update.bind(2, std::string{by});
    update.bind(3, std::string{id});
    update.exec();
}

void SqliteRecords::set_password_hash(std::string_view id, std::string_view hash, std::optional<Timestamp> keep_until,
                                      Timestamp at, std::string_view by) {
    SQLite::Statement update{db_,
                             "UPDATE api_users SET "
                             "previous_password_hash = CASE WHEN ?1 IS NULL THEN NULL ELSE password_hash END, "
                             "previous_password_expires_at = ?1, password_hash = ?2, failed_attempts = 0, "
                             "updated_at = ?3, updated_by = ?4 WHERE id = ?5"};
    if (keep_until) {
        update.bind(1, format_timestamp(*keep_until));
    } else {
        update.bind(1);
    }
    update.bind(2, std::string{hash});
    update.bind(3, format_timestamp(at));
    update.bind(4, std::string{by});
    update.bind(5, std::string{id});
    update.exec();
}

void SqliteRecords::upgrade_password_hash(std::string_view id, std::string_view expected, std::string_view upgraded) {
    SQLite::Statement update{db_, "UPDATE api_users SET password_hash = ? WHERE id = ? AND password_hash = ?"};
    update.bind(1, std::string{upgraded});
    update.bind(2, std::string{id});
    update.bind(3, std::string{expected});
    update.exec();
}

void SqliteRecords::record_success(std::string_view id, std::optional<Timestamp> last_used) {
    SQLite::Statement update{db_,
                             "UPDATE api_users SET last_used_at = coalesce(?, last_used_at), failed_attempts = 0 "
                             "WHERE id = ?"};
    if (last_used) {
        update.bind(1, format_timestamp(*last_used));
    } else {
        update.bind(1);
    }
    update.bind(2, std::string{id});
    update.exec();
}

void SqliteRecords::record_failure(std::string_view id) {
    SQLite::Statement update{db_, "UPDATE api_users SET failed_attempts = failed_attempts + 1 WHERE id = ?"};
    update.bind(1, std::string{id});
    update.exec();
}

void SqliteRecords::erase_expired_previous_passwords(Timestamp now) {
    SQLite::Statement update{db_,
                             "UPDATE api_users SET previous_password_hash = NULL, previous_password_expires_at = NULL "
                             "WHERE previous_password_expires_at <= ?"};
    update.bind(1, format_timestamp(now));
    update.exec();
}

}  // namespace apiuser::store::sqlite
