#pragma once

// The store's internals: the only part of the library, with the records_*.cpp files, that sees SQLite.

#include <filesystem>
#include <functional>

#include <SQLiteCpp/SQLiteCpp.h>

#include <apiuser/store.hpp>

namespace apiuser {

class Store::Impl {
public:
    Impl(std::filesystem::path path, SQLite::Database db, bool read_only)
        : path_(std::move(path)), db_(std::move(db)), read_only_(read_only) {}
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
// The value of PRAGMA application_id that marks a database as an apiuser store.
inline constexpr int apiuser_application_id = 0x61706975;  // "apiu"

}  // namespace apiuser
