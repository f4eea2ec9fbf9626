#pragma once

// The store's internals: the only part of the library, with the records_*.cpp files, that sees SQLite.

#include <filesystem>
#include <functional>
#include <utility>

#include <SQLiteCpp/SQLiteCpp.h>

#include <apiuser/store.hpp>

namespace apiuser {

// A file descriptor (or -1), closed when its owner is destroyed.
class OwnedDescriptor {
  public:
    explicit OwnedDescriptor(int fd) noexcept : fd_(fd) {}
    ~OwnedDescriptor();
    OwnedDescriptor(OwnedDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    OwnedDescriptor& operator=(OwnedDescriptor&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }

    int get() const noexcept { return fd_; }

  private:
    int fd_;
};

class Store::Impl {
  public:
    // `shared_lock` (or -1): a descriptor of the store file holding the lock that stands in for SQLite's own
    // on a connection opened with immutable=1; closed when the connection is.
    // The connection is made defensive and distrusts its schema.
    Impl(std::filesystem::path path, SQLite::Database db, bool read_only, int shared_lock = -1);
    ~Impl() { roll_back_held(); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    SQLite::Database& db() noexcept { return db_; }

    // Runs `body` in one BEGIN IMMEDIATE transaction and commits it; on any exception everything is rolled
    // back and the exception (SQLite's translated to apiuser::Error) propagates. While commits are held
    // (Store::hold_commits) the transaction stays open instead, and a later write or read runs inside it.
    void write(const std::function<void(SQLite::Database&)>& body);

    // Runs `body` in one read transaction, so that it sees a single consistent snapshot.
    void read(const std::function<void(SQLite::Database&)>& body);

    // See Store::hold_commits, commit_held and roll_back_held.
    void hold_commits() noexcept { hold_commits_ = true; }
    void commit_held();
    void roll_back_held() noexcept;

    // Translates a SQLite failure into an Error naming this store and what to do.
    [[noreturn]] void fail(const SQLite::Exception& e) const;

  private:
    void transaction(const char* begin, const std::function<void(SQLite::Database&)>& body, bool may_hold);

    std::filesystem::path path_;
    OwnedDescriptor shared_lock_;  // declared before db_, so that it is released after the connection closes
    SQLite::Database db_;
    bool read_only_;
    bool hold_commits_ = false;
    bool held_ = false;  // a write transaction is open, waiting for commit_held()
};

// Removes the store file at `path` and its -wal, -shm and -journal files, for a store whose creation failed.
void remove_store_files(const std::filesystem::path& path);

// The schema version this build writes, and the migrations that reach it (schema.cpp).
int current_schema_version();
// Brings `db` from `from_version` to current_schema_version(); must run inside a write transaction.
void migrate(SQLite::Database& db, int from_version);
// Throws Error(store) "store schema has been altered: ..." unless `db` holds exactly the tables, indexes and
// triggers (with their SQL) that the first `version` migrations make: a planted trigger or view would run
// with the privileges of whoever uses the store.
void check_schema(SQLite::Database& db, int version, const std::filesystem::path& path);
// The value of PRAGMA application_id that marks a database as an apiuser store.
inline constexpr int apiuser_application_id = 0x61706975;  // "apiu"

}  // namespace apiuser
