#pragma once

// The embedded store: one SQLite file. Only this folder sees SQLite.

#include <filesystem>
#include <functional>
#include <memory>
#include <utility>

#include <SQLiteCpp/SQLiteCpp.h>

#include <apiuser/store.hpp>

#include "store/backend.hpp"
#include "store/records.hpp"

namespace apiuser::store::sqlite {

// A file descriptor (or -1), closed when its owner is destroyed.
class OwnedDescriptor {
  public:
    explicit OwnedDescriptor(int fd) noexcept : fd_(fd) {}
    ~OwnedDescriptor();
    OwnedDescriptor(const OwnedDescriptor&) = delete;
    OwnedDescriptor& operator=(const OwnedDescriptor&) = delete;
    OwnedDescriptor(OwnedDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    OwnedDescriptor& operator=(OwnedDescriptor&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }

    int get() const noexcept { return fd_; }

  private:
    int fd_;
};

// Records on one SQLite connection (records_*.cpp), used inside the connection's transactions.
class SqliteRecords final : public Records {
  public:
    explicit SqliteRecords(SQLite::Database& db) noexcept : db_(db) {}

    AccountSettings load_account() override;
    void insert_account(const AccountSettings& account) override;
    void update_account_settings(const AccountSettings& account) override;

    std::optional<Member> find_member(std::string_view login) override;
    std::vector<Member> all_members() override;
    void insert_member(const Member& member) override;
    void update_member_permission(std::string_view login, bool can_manage_account) override;
    void delete_member(std::string_view login) override;

    bool api_user_id_taken(std::string_view id) override;
    bool enabled_description_exists(std::string_view description_key) override;
    void insert_api_user(const ApiUser& user, std::string_view description_key,
                         std::string_view password_hash) override;
    std::optional<ApiUser> find_api_user(std::string_view id) override;
    std::optional<Credential> find_credential(std::string_view id) override;
    void for_each_api_user(const ApiUserFilter& filter, const std::function<void(const ApiUser&)>& sink) override;
    void for_each_api_user_id(const std::function<void(std::string_view)>& sink) override;
    void for_each_api_user_name_starting_with(std::span<const ApiUserStatus> statuses, std::string_view prefix,
                                              const std::function<void(const ApiUserName&)>& sink) override;
    void update_description(std::string_view id, std::string_view description, std::string_view description_key,
                            Timestamp at, std::string_view by) override;
    void update_status(std::string_view id, ApiUserStatus status, Timestamp at, std::string_view by) override;
    void revoke_api_user(std::string_view id, Timestamp at, std::string_view by) override;
    void set_password_hash(std::string_view id, std::string_view hash, std::optional<Timestamp> keep_until,
                           Timestamp at, std::string_view by) override;
    void upgrade_password_hash(std::string_view id, std::string_view expected, std::string_view upgraded) override;
    void record_success(std::string_view id, std::optional<Timestamp> last_used) override;
    void record_failure(std::string_view id) override;
    void erase_expired_previous_passwords(Timestamp now) override;

    void append_audit(const AuditEntry& entry) override;
    void for_each_audit_entry(const AuditFilter& filter, const std::function<void(const AuditEntry&)>& sink) override;

  private:
    SQLite::Database& db_;
};

class SqliteBackend final : public Backend {
  public:
    // `shared_lock` (or -1): a descriptor of the store file holding the lock that stands in for SQLite's own
    // on a connection opened with immutable=1; closed when the connection is.
    // The connection is made defensive and distrusts its schema.
    SqliteBackend(StoreLocation location, SQLite::Database db, bool read_only, int shared_lock = -1);
    ~SqliteBackend() override { roll_back_held(); }

    const StoreLocation& location() const noexcept override { return location_; }
    const std::filesystem::path& path() const noexcept { return location_.path(); }
    // The connection, for opening and migrating the store, and for tests of its settings.
    SQLite::Database& database() noexcept { return db_; }

    void write(const std::function<void(Records&)>& body) override;
    void read(const std::function<void(Records&)>& body) override;

    void hold_commits() noexcept override { hold_commits_ = true; }
    void commit_held() override;
    void roll_back_held() noexcept override;

    // Runs `body` on the connection in one write transaction (held open when `may_hold` and commits are
    // held): for writing the schema, which is below Records.
    void write_connection(const std::function<void(SQLite::Database&)>& body, bool may_hold);

    // Translates a SQLite failure into an Error naming this store and what is wrong.
    [[noreturn]] void fail(const SQLite::Exception& e) const;

  private:
    void transaction(const char* begin, const std::function<void(SQLite::Database&)>& body, bool may_hold);

    StoreLocation location_;
    OwnedDescriptor shared_lock_;  // declared before db_, so that it is released after the connection closes
    SQLite::Database db_;
    SqliteRecords records_{db_};
    bool read_only_;
    bool hold_commits_ = false;
    bool held_ = false;  // a write transaction is open, waiting for commit_held()
};

// The schema version this build writes, and the migrations that reach it (schema.cpp).
int current_schema_version();
// Brings `db` from `from_version` to current_schema_version(); must run inside a write transaction.
void migrate(SQLite::Database& db, int from_version);
// Throws Error(store_damaged) "store schema has been altered: ..." unless `db` holds exactly the tables,
// indexes and triggers (with their SQL) that the first `version` migrations make: a planted trigger or view
// would run with the privileges of whoever uses the store.
void check_schema(SQLite::Database& db, int version, const std::filesystem::path& path);
// The value of PRAGMA application_id that marks a database as an apiuser store.
inline constexpr int apiuser_application_id = 0x61706975;  // "apiu"

}  // namespace apiuser::store::sqlite
