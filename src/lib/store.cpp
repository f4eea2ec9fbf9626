#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include <apiuser/errors.hpp>
#include <apiuser/store.hpp>

#include "store_impl.hpp"

namespace apiuser {

namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) { return fmt::format("'{}'", path.string()); }

std::string describe_file_type(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISLNK(mode)) {
        return "a symbolic link";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return "a device";
    }
    return "not a regular file";
}

Error system_error(const std::string& what, int error_number, std::string hint = {}) {
    return Error(ErrorKind::store, fmt::format("{}: {}", what, std::strerror(error_number)), std::move(hint));
}

Error not_a_store(const fs::path& path, std::string_view why) {
    return Error(ErrorKind::store, fmt::format("{} is not an apiuser store ({})", quoted(path), why),
                 "check the path; apiuser never modifies a file it does not recognise");
}

// Refuses anything but a regular file that "others" cannot read or write, without following symlinks.
void check_store_file(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            throw Error(ErrorKind::store, fmt::format("no store at {}", quoted(path)),
                        "create one with 'apiuser init --company NAME', or point --store or APIUSER_STORE at "
                        "an existing store");
        }
        throw system_error(fmt::format("cannot access store {}", quoted(path)), errno);
    }
    if (!S_ISREG(st.st_mode)) {
        throw Error(ErrorKind::store,
                    fmt::format("store path {} is {}, not a store file", quoted(path), describe_file_type(st.st_mode)),
                    "point --store or APIUSER_STORE at the store file itself");
    }
    if ((st.st_mode & S_IRWXO) != 0) {
        throw Error(ErrorKind::store,
                    fmt::format("store {} is accessible by other users (mode {:04o})", quoted(path),
                                st.st_mode & 07777),
                    fmt::format("if that was not intended, make it private with: chmod o-rwx {}", path.string()));
    }
}

// Reads the first bytes without following symlinks or blocking, to refuse non-SQLite files before SQLite
// (which would happily treat an empty file as a new database) ever opens them.
void check_sqlite_header(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        throw system_error(fmt::format("cannot open store {}", quoted(path)), errno,
                           "check the permissions of the store file and its directory");
    }
    std::array<unsigned char, 18> header{};  // the magic string, then the page size (big-endian)
    const auto got = ::read(fd, header.data(), header.size());
    struct stat st {};
    const bool sized = ::fstat(fd, &st) == 0;
    ::close(fd);
    static constexpr char magic[] = "SQLite format 3";  // 15 characters and the NUL: 16 bytes
    if (got != static_cast<ssize_t>(header.size()) || std::memcmp(header.data(), magic, sizeof magic) != 0) {
        throw not_a_store(path, got == 0 ? "the file is empty" : "not an SQLite database");
    }
    // SQLite notices missing pages, but not a part of the last one: it reads the lost bytes as zeros and
    // carries on writing into a damaged b-tree. A store only ever grows and shrinks by whole pages, except
    // during a checkpoint, whose WAL is then still there to finish it.
    const unsigned page_size = header[16] == 0 && header[17] == 1 ? 65536u : header[16] * 256u + header[17];
    struct stat wal {};
    const bool wal_pending = ::lstat((path.string() + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
    if (sized && !wal_pending && page_size >= 512 && st.st_size % page_size != 0) {
        throw Error(ErrorKind::store,
                    fmt::format("store {} is damaged: its size ({} bytes) is not a whole number of {}-byte pages, "
                                "so it was cut short or written to by another program",
                                quoted(path), st.st_size, page_size),
                    "restore it from a backup; apiuser will not modify it");
    }
}

int pragma_int(SQLite::Database& db, const char* pragma) {
    return db.execAndGet(std::string{"PRAGMA "} + pragma).getInt();
}

// Creates the missing directories above `path`, each with mode 0700 whatever the umask.
void create_private_parents(const fs::path& path) {
    const fs::path parent = path.parent_path();
    if (parent.empty() || fs::exists(parent)) {
        return;
    }
    create_private_parents(parent);
    if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) {
        throw system_error(fmt::format("cannot create directory {}", quoted(parent)), errno);
    }
    if (::chmod(parent.c_str(), 0700) != 0) {
        throw system_error(fmt::format("cannot set mode 0700 on {}", quoted(parent)), errno);
    }
}

// How every connection is opened: never through a symlink, and without SQLite's per-call mutex. A Store is
// one connection with one transaction state, so it is only ever used by one thread at a time (the
// Authenticator lends each of its connections to one call); the mutex would only cost time, on every
// column of every row.
int open_flags(bool writable) {
    return (writable ? SQLite::OPEN_READWRITE : SQLite::OPEN_READONLY) | SQLite::OPEN_NOFOLLOW | SQLite::OPEN_NOMUTEX;
}

void apply_connection_settings(SQLite::Database& db, const StoreOptions& options) {
    db.setBusyTimeout(static_cast<int>(options.busy_timeout.count()));
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA synchronous = FULL");
    // Freed pages (an erased hash, say) are overwritten with zeros rather than left behind in the file.
    db.exec("PRAGMA secure_delete = ON");
}

}  // namespace

void Store::Impl::write(const std::function<void(SQLite::Database&)>& body) {
    if (read_only_) {
        throw Error(ErrorKind::store, fmt::format("store {} is read-only for this process", quoted(path_)),
                    "a change needs write access to the store file and to its directory");
    }
    // IMMEDIATE takes the write lock up front: a transaction that read first and then wrote could fail
    // with "busy" half-way instead of waiting its turn.
    transaction("BEGIN IMMEDIATE", body, true);
}

void Store::Impl::read(const std::function<void(SQLite::Database&)>& body) { transaction("BEGIN", body, false); }

void Store::Impl::transaction(const char* begin, const std::function<void(SQLite::Database&)>& body, bool may_hold) {
    if (held_) {
        // Inside the held transaction: all of it stands or falls together.
        try {
            body(db_);
        } catch (const SQLite::Exception& e) {
            roll_back_held();
            fail(e);
        } catch (...) {
            roll_back_held();
            throw;
        }
        return;
    }
    try {
        db_.exec(begin);
    } catch (const SQLite::Exception& e) {
        fail(e);
    }
    auto roll_back = [this] {
        try {
            db_.exec("ROLLBACK");
        } catch (const SQLite::Exception&) {
            // SQLite may already have rolled back (after an I/O error, say): nothing is left to undo.
        }
    };
    try {
        body(db_);
        if (may_hold && hold_commits_) {
            // Write the changed pages to the WAL now, so that a full disk fails here, before the caller
            // prints anything, rather than at the commit after it.
            if (const int rc = sqlite3_db_cacheflush(db_.getHandle()); rc != SQLITE_OK) {
                throw SQLite::Exception(db_.getHandle(), rc);
            }
            held_ = true;
            return;
        }
        db_.exec("COMMIT");
    } catch (const SQLite::Exception& e) {
        roll_back();
        fail(e);
    } catch (...) {
        roll_back();
        throw;
    }
}

void Store::Impl::commit_held() {
    if (!held_) {
        return;
    }
    try {
        db_.exec("COMMIT");
        held_ = false;
    } catch (const SQLite::Exception& e) {
        roll_back_held();
        fail(e);
    }
}

void Store::Impl::roll_back_held() noexcept {
    if (!held_) {
        return;
    }
    held_ = false;
    try {
        db_.exec("ROLLBACK");
    } catch (...) {
        // Already rolled back by SQLite (after an I/O error, say), or closing the connection will.
    }
}

void Store::Impl::fail(const SQLite::Exception& e) const {
    const auto where = quoted(path_);
    // A full disk is SQLITE_FULL when a write runs out of space, but an I/O error when the shared-memory
    // file cannot grow (SQLITE_IOERR_SHMSIZE): the system's error tells them apart.
    const int system_error_number = sqlite3_system_errno(db_.getHandle());
    const bool disk_full = system_error_number == ENOSPC || system_error_number == EDQUOT;
    switch (e.getErrorCode() == SQLITE_IOERR && disk_full ? SQLITE_FULL : e.getErrorCode()) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            throw Error(ErrorKind::store, fmt::format("store {} is busy: another process is writing to it", where),
                        "retry later, or wait longer by setting APIUSER_BUSY_TIMEOUT_MS (milliseconds)");
        case SQLITE_READONLY:
            throw Error(ErrorKind::store, fmt::format("store {} is read-only for this process", where),
                        "a change needs write access to the store file and to its directory");
        case SQLITE_FULL:
            throw Error(ErrorKind::store, fmt::format("cannot write store {}: the disk is full", where),
                        "free some space and retry; nothing was changed");
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            throw Error(ErrorKind::store, fmt::format("store {} is damaged: {}", where, e.what()),
                        "restore it from a backup; apiuser will not modify it");
        case SQLITE_IOERR:
            throw Error(ErrorKind::store,
                        system_error_number == 0
                            ? fmt::format("I/O error on store {}: {}", where, e.what())
                            : fmt::format("I/O error on store {}: {} ({})", where, e.what(),
                                          std::strerror(system_error_number)),
                        "check the disk and retry; nothing was changed");
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_AUTH:
            throw Error(ErrorKind::store, fmt::format("cannot open store {}: {}", where, e.what()),
                        "check the permissions of the store file and its directory");
        default:
            throw Error(ErrorKind::store, fmt::format("store {} failed: {}", where, e.what()));
    }
}

void remove_store_files(const fs::path& path) {
    // SQLite may have made a journal before failing (switching a new file to WAL writes one), and may have
    // failed to delete it: a store that was never finished leaves nothing behind.
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        ::unlink((path.string() + suffix).c_str());
    }
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const fs::path& Store::path() const noexcept { return impl_->path(); }

Store Store::create_file(const fs::path& path, const StoreOptions& options) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        throw Error(ErrorKind::invalid_state, fmt::format("{} already exists", quoted(path)),
                    "use the existing store, or choose another path with --store");
    }
    create_private_parents(path);
    // O_EXCL with O_CREAT refuses an existing file and any symlink planted at the path, even a dangling one.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            throw Error(ErrorKind::invalid_state, fmt::format("{} already exists", quoted(path)),
                        "use the existing store, or choose another path with --store");
        }
        throw system_error(fmt::format("cannot create store {}", quoted(path)), errno);
    }
    const bool private_mode = ::fchmod(fd, 0600) == 0;  // the umask may have removed bits, never added
    ::close(fd);
    try {
        if (!private_mode) {
            throw system_error(fmt::format("cannot set mode 0600 on {}", quoted(path)), errno);
        }
        SQLite::Database db{path.string(), open_flags(true)};
        db.exec("PRAGMA journal_mode = WAL");
        apply_connection_settings(db, options);
        return Store{std::make_unique<Impl>(path, std::move(db), false)};
    } catch (const SQLite::Exception& e) {
        remove_store_files(path);
        throw Error(ErrorKind::store, fmt::format("cannot create store {}: {}", quoted(path), e.what()));
    } catch (...) {
        remove_store_files(path);
        throw;
    }
}

Store Store::open(const fs::path& path, const StoreOptions& options) {
    check_store_file(path);
    check_sqlite_header(path);
    const bool writable = !options.read_only && ::access(path.c_str(), W_OK) == 0;
    std::unique_ptr<Impl> impl;
    try {
        impl = std::make_unique<Impl>(path, SQLite::Database{path.string(), open_flags(writable)},
                                      !writable);
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorKind::store, fmt::format("cannot open store {}: {}", quoted(path), e.what()),
                    "check the permissions of the store file and its directory");
    }
    auto& db = impl->db();
    int version = 0;
    try {
        db.setBusyTimeout(static_cast<int>(options.busy_timeout.count()));
        if (pragma_int(db, "application_id") != apiuser_application_id) {
            throw not_a_store(path, "an SQLite database of another program");
        }
        version = pragma_int(db, "user_version");
    } catch (const SQLite::Exception& e) {
        impl->fail(e);
    }
    if (version > current_schema_version()) {
        throw Error(ErrorKind::store,
                    fmt::format("store {} was written by a newer apiuser (schema version {}; this one knows up to {})",
                                quoted(path), version, current_schema_version()),
                    "upgrade apiuser to use this store; it has not been modified");
    }
    try {
        apply_connection_settings(db, options);
        if (writable && db.execAndGet("PRAGMA journal_mode").getString() != "wal") {
            db.exec("PRAGMA journal_mode = WAL");
        }
    } catch (const SQLite::Exception& e) {
        impl->fail(e);
    }
    if (version < current_schema_version() && options.read_only) {
        throw Error(ErrorKind::store,
                    fmt::format("store {} has an older schema (version {}) and was opened read-only", quoted(path),
                                version),
                    "run any apiuser command that changes the store to upgrade it");
    }
    if (version < current_schema_version()) {
        impl->write([&](SQLite::Database& tx) {
            // Another process may have migrated it while this one waited for the lock.
            const int now = pragma_int(tx, "user_version");
            if (now < current_schema_version()) {
                migrate(tx, now);
            }
        });
    }
    return Store{std::move(impl)};
}

void Store::hold_commits() { impl_->hold_commits(); }

void Store::commit_held() { impl_->commit_held(); }

void Store::roll_back_held() noexcept { impl_->roll_back_held(); }

fs::path default_store_path(const char* apiuser_store, const char* xdg_data_home, const char* home) {
    if (apiuser_store != nullptr && *apiuser_store != '\0') {
        return apiuser_store;
    }
    // The XDG Base Directory specification says a relative $XDG_DATA_HOME is invalid and must be ignored.
    if (xdg_data_home != nullptr && *xdg_data_home == '/') {
        return fs::path{xdg_data_home} / "apiuser" / "apiuser.db";
    }
    if (home != nullptr && *home == '/') {
        return fs::path{home} / ".local" / "share" / "apiuser" / "apiuser.db";
    }
    throw Error(ErrorKind::store, "cannot find where the store lives: neither APIUSER_STORE, XDG_DATA_HOME nor HOME is set",
                "pass --store PATH or set APIUSER_STORE");
}

}  // namespace apiuser
