#include "store/sqlite/sqlite_backend.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apiuser/errors.hpp>
#include <apiuser/store.hpp>

#include "store/sqlite/sqlite_store.hpp"

namespace apiuser::store::sqlite {

namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) {
    return fmt::format("'{}'", path.string());
}

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

// The name of the user `uid`, or its number when it has none.
std::string user_name(uid_t uid) {
    std::array<char, 4096> buffer{};
    struct passwd entry {};
    struct passwd* found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
        return found->pw_name;
    }
    return std::to_string(uid);
}

bool caller_in_group(gid_t gid) {
    if (::getegid() == gid) {
        return true;
    }
    const int count = ::getgroups(0, nullptr);
    std::vector<gid_t> groups(static_cast<std::size_t>(std::max(count, 0)));
    const int got = ::getgroups(static_cast<int>(groups.size()), groups.data());
    return got > 0 && std::find(groups.begin(), groups.begin() + got, gid) != groups.begin() + got;
}

// Whoever owns the store or its directory can replace it, and with it every credential `verify` accepts.
// This process trusts itself, root, and the owner of a store it shares through its group (a directory
// 2770 and a store 0660 of a group it belongs to; the group's members already share full access).
bool trusted_owner(const struct stat& st) {
    return st.st_uid == ::geteuid() || st.st_uid == 0 || ((st.st_mode & S_IRWXG) != 0 && caller_in_group(st.st_gid));
}

Error untrusted_owner(std::string_view what, const fs::path& path, const struct stat& st) {
    return Error(ErrorKind::store,
                 fmt::format("{} {} is owned by {}, who is neither you nor root and does not share it with you "
                             "through a group, so they could replace the store",
                             what, quoted(path), user_name(st.st_uid)),
                 fmt::format("keep the store in a directory of your own, or have root give it to you: "
                             "chown {} {}",
                             user_name(::geteuid()), path.string()));
}

// Refuses a store directory that someone this process does not trust owns, or that every user may write
// (anyone could then put their own store in its place, sticky bit or not: it only protects existing names).
void check_store_directory(const fs::path& dir, const struct stat& st) {
    if (!trusted_owner(st)) {
        throw untrusted_owner("the store's directory", dir, st);
    }
    if ((st.st_mode & S_IWOTH) != 0) {
        throw Error(
            ErrorKind::store,
            fmt::format("the store's directory {} is writable by every user (mode {:04o}), so anyone "
                        "could put their own store in its place",
                        quoted(dir), st.st_mode & 07777),
            fmt::format("keep the store in a directory of its own, or make it private: chmod o-w {}", dir.string()));
    }
}

fs::path directory_of(const fs::path& path) {
    return path.has_parent_path() ? path.parent_path() : fs::path{"."};
}

Error system_error(const std::string& what, int error_number, std::string hint = {}) {
    if (hint.empty() && (error_number == EACCES || error_number == EPERM)) {
        hint = "check the permissions of the store file and of the directories on its path";
    }
    return Error(ErrorKind::store, fmt::format("{}: {}", what, std::strerror(error_number)), std::move(hint));
}

// `where` (a quoted store path) is locked by another process's write for longer than this one would wait.
Error busy_error(const std::string& where) {
    return Error(ErrorKind::store_busy, fmt::format("store {} is busy: another process is writing to it", where),
                 "retry later, or wait longer by setting APIUSER_BUSY_TIMEOUT_MS (milliseconds)");
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
        throw Error(
            ErrorKind::store,
            fmt::format("store {} is accessible by other users (mode {:04o})", quoted(path), st.st_mode & 07777),
            fmt::format("if that was not intended, make it private with: chmod o-rwx {}", path.string()));
    }
    if (!trusted_owner(st)) {
        throw untrusted_owner("store", path, st);
    }
    const auto dir = directory_of(path);
    struct stat dir_st {};
    if (::stat(dir.c_str(), &dir_st) != 0) {
        throw system_error(fmt::format("cannot access the store's directory {}", quoted(dir)), errno);
    }
    check_store_directory(dir, dir_st);
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
        throw Error(ErrorKind::store_damaged,
                    fmt::format("store {} is damaged: its size ({} bytes) is not a whole number of {}-byte pages, "
                                "so it was cut short or written to by another program",
                                quoted(path), st.st_size, page_size),
                    "restore it from a backup; apiuser will not modify it");
    }
}

int pragma_int(SQLite::Database& db, const char* pragma) {
    return db.execAndGet(std::string{"PRAGMA "} + pragma).getInt();
}

// Opens the directory that will hold the store at `path`, creating the missing ones with mode 0700
// whatever the umask. It walks the path one name at a time from a descriptor of the one before: a
// directory that exists is followed once (it may be a symlink, as home directories sometimes are); one this
// process creates is opened without following a symlink, checked to be its own, and given its mode through
// the descriptor, so that nothing swapped in between is ever changed.
OwnedDescriptor open_store_directory(const fs::path& path) {
    const fs::path dir = directory_of(path);
    // O_PATH: passing through a directory needs only search permission (a shared directory may be 0711).
    constexpr int directory_flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    int current = ::open(dir.is_absolute() ? "/" : ".", directory_flags);
    if (current < 0) {
        throw system_error("cannot open the current directory", errno);
    }
    OwnedDescriptor walked{current};
    fs::path so_far = dir.is_absolute() ? fs::path{"/"} : fs::path{};
    for (const auto& part : dir.relative_path()) {
        if (part.empty()) {
            continue;  // a trailing slash
        }
        so_far /= part;
        int next = ::openat(current, part.c_str(), directory_flags);
        if (next < 0 && errno == ENOENT) {
            if (::mkdirat(current, part.c_str(), 0700) == 0) {
                next = ::openat(current, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                struct stat st {};
                if (next >= 0 && (::fstat(next, &st) != 0 || st.st_uid != ::geteuid())) {
                    ::close(next);
                    throw Error(
                        ErrorKind::store,
                        fmt::format("directory {} was replaced by another user's while it was created", quoted(so_far)),
                        "someone else can write the directory above it: choose another --store");
                }
                if (next >= 0 && ::fchmod(next, 0700) != 0) {
                    const int error_number = errno;
                    ::close(next);
                    throw system_error(fmt::format("cannot set mode 0700 on {}", quoted(so_far)), error_number);
                }
            } else if (errno == EEXIST) {
                next = ::openat(current, part.c_str(), directory_flags);  // another process made it first
            } else {
                throw system_error(fmt::format("cannot create directory {}", quoted(so_far)), errno);
            }
        }
        if (next < 0) {
            throw system_error(fmt::format("cannot open directory {}", quoted(so_far)), errno);
        }
        walked = OwnedDescriptor{next};
        current = next;
    }
    struct stat st {};
    if (::fstat(current, &st) != 0) {
        throw system_error(fmt::format("cannot access directory {}", quoted(dir)), errno);
    }
    check_store_directory(dir, st);
    return walked;
}

// How every connection is opened: never through a symlink, and without SQLite's per-call mutex. A Store is
// one connection with one transaction state, so it is only ever used by one thread at a time (the
// Authenticator lends each of its connections to one call); the mutex would only cost time, on every
// column of every row.
int open_flags(bool writable) {
    return (writable ? SQLite::OPEN_READWRITE : SQLite::OPEN_READONLY) | SQLite::OPEN_NOFOLLOW | SQLite::OPEN_NOMUTEX;
}

fs::path with_suffix(const fs::path& path, const char* suffix) {
    return path.string() + suffix;
}

// The size of the file at `path`, without following a symlink; nullopt when there is none.
std::optional<off_t> size_of(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return std::nullopt;
    }
    return st.st_size;
}

// SQLite's WAL and shared-memory files belong to whoever created them, with the store's mode at the time.
// Ones this process cannot write (left by a reader of an older apiuser, or by another program) would make
// every change fail with a bare "read-only"; name them and say how to get rid of them instead.
void check_companion_files(const fs::path& path) {
    std::vector<std::string> blocking;
    bool wal_holds_changes = false;
    for (const char* suffix : {"-wal", "-shm"}) {
        const auto companion = with_suffix(path, suffix);
        const auto size = size_of(companion);
        // ENOENT: the last connection of another process closed, and SQLite removed the file, since lstat.
        if (size && ::access(companion.c_str(), W_OK) != 0 && errno != ENOENT) {
            blocking.push_back(quoted(companion));
            wal_holds_changes = wal_holds_changes || (std::string_view{suffix} == "-wal" && *size > 0);
        }
    }
    if (blocking.empty()) {
        return;
    }
    throw Error(
        ErrorKind::store,
        fmt::format("store {} cannot be changed: this process cannot write {}, which another user or "
                    "program left behind",
                    quoted(path), fmt::join(blocking, " and ")),
        wal_holds_changes
            ? std::string{"the WAL holds changes: have the files' owner or root make them writable by "
                          "you (chmod g+w, or chown), then retry"}
            : fmt::format("if no other program is using the store, remove them: rm -- {}", fmt::join(blocking, " ")));
}

// SQLite's SHARED lock on a database file: a read lock on these bytes (os_unix.c: PENDING_BYTE + 2, 510).
constexpr off_t sqlite_shared_first = 0x40000000 + 2;
constexpr off_t sqlite_shared_size = 510;

// Takes, on a new descriptor of the store file, the SHARED lock SQLite takes for a reader, and returns the
// descriptor. It is an open-file-description lock, which SQLite closing its own descriptors cannot drop.
int take_shared_lock(const fs::path& path, std::chrono::milliseconds timeout) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        throw system_error(fmt::format("cannot open store {}", quoted(path)), errno,
                           "check the permissions of the store file and its directory");
    }
    struct flock lock {};
    lock.l_type = F_RDLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = sqlite_shared_first;
    lock.l_len = sqlite_shared_size;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
        const int error_number = errno;
        if ((error_number != EAGAIN && error_number != EACCES) || std::chrono::steady_clock::now() >= deadline) {
            ::close(fd);
            if (error_number == EAGAIN || error_number == EACCES) {
                throw busy_error(quoted(path));
            }
            throw system_error(fmt::format("cannot lock store {}", quoted(path)), error_number);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    return fd;
}

// `path` as an SQLite URI that opens it immutable: read without locks and without ever creating its -wal
// and -shm files.
std::string immutable_uri(const fs::path& path) {
    std::string uri = "file:";
    static constexpr std::string_view plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~";
    for (const char c : path.string()) {
        if (plain.find(c) != std::string_view::npos) {
            uri += c;
        } else {
            uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return uri + "?immutable=1";
}

// Opens the connection of a process that may not write the store. SQLite reading a store in WAL mode
// creates its -wal and -shm files when they are missing, owned by this process and with the store's mode,
// and a later writer that cannot write them fails; so, when no writer has them open, read the file itself,
// immutable, under the SHARED lock SQLite would have taken: a writer that closes then cannot checkpoint
// into the file while it is read (it leaves that to the next one). A WAL with changes in it needs its -shm
// to be read; when one exists, SQLite uses both as they are, creating nothing.
std::unique_ptr<SqliteBackend> open_without_writing(const fs::path& path, const StoreOptions& options) {
    int lock = take_shared_lock(path, options.lock_timeout);
    try {
        const auto wal = size_of(with_suffix(path, "-wal"));
        const bool shm = size_of(with_suffix(path, "-shm")).has_value();
        if (!wal || (*wal == 0 && !shm)) {
            const int flags = SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLite::OPEN_NOFOLLOW | SQLite::OPEN_NOMUTEX;
            auto impl = std::make_unique<SqliteBackend>(path, SQLite::Database{immutable_uri(path), flags}, true, lock);
            lock = -1;  // the connection holds it now
            return impl;
        }
        ::close(std::exchange(lock, -1));
        if (!shm) {
            throw Error(ErrorKind::store,
                        fmt::format("store {} has changes in {} that only a process that can write the store can read",
                                    quoted(path), quoted(with_suffix(path, "-wal"))),
                        "run any apiuser command as a user who can write the store, then retry");
        }
        return std::make_unique<SqliteBackend>(path, SQLite::Database{path.string(), open_flags(false)}, true);
    } catch (...) {
        if (lock >= 0) {
            ::close(lock);
        }
        throw;
    }
}

void apply_connection_settings(SQLite::Database& db, const StoreOptions& options) {
    db.setBusyTimeout(static_cast<int>(options.lock_timeout.count()));
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA synchronous = FULL");
    // Freed pages (an erased hash, say) are overwritten with zeros rather than left behind in the file.
    db.exec("PRAGMA secure_delete = ON");
}

}  // namespace

SqliteBackend::SqliteBackend(StoreLocation location, SQLite::Database db, bool read_only, int shared_lock)
    : location_(std::move(location)), shared_lock_(shared_lock), db_(std::move(db)), read_only_(read_only) {
    // The schema in the file is not ours to trust (check_schema refuses one that was altered): functions
    // with side effects may not run from it, and the schema cannot be rewritten through sqlite_schema.
    sqlite3_db_config(db_.getHandle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db_.getHandle(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
}

OwnedDescriptor::~OwnedDescriptor() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void SqliteBackend::write(const std::function<void(Records&)>& body) {
    write_connection([&](SQLite::Database&) { body(records_); }, true);
}

void SqliteBackend::read(const std::function<void(Records&)>& body) {
    transaction(
        "BEGIN", [&](SQLite::Database&) { body(records_); }, false);
}

void SqliteBackend::write_connection(const std::function<void(SQLite::Database&)>& body, bool may_hold) {
    if (read_only_) {
        throw Error(ErrorKind::store, fmt::format("store {} is read-only for this process", quoted(path())),
                    "a change needs write access to the store file and to its directory");
    }
    // IMMEDIATE takes the write lock up front: a transaction that read first and then wrote could fail
    // with "busy" half-way instead of waiting its turn.
    transaction("BEGIN IMMEDIATE", body, may_hold);
}

void SqliteBackend::transaction(const char* begin, const std::function<void(SQLite::Database&)>& body, bool may_hold) {
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

void SqliteBackend::commit_held() {
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

void SqliteBackend::roll_back_held() noexcept {
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

void SqliteBackend::fail(const SQLite::Exception& e) const {
    const auto where = quoted(path());
    // A full disk is SQLITE_FULL when a write runs out of space, but an I/O error when the shared-memory
    // file cannot grow (SQLITE_IOERR_SHMSIZE): the system's error tells them apart.
    const int system_error_number = sqlite3_system_errno(db_.getHandle());
    const bool disk_full = system_error_number == ENOSPC || system_error_number == EDQUOT;
    switch (e.getErrorCode() == SQLITE_IOERR && disk_full ? SQLITE_FULL : e.getErrorCode()) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            throw busy_error(where);
        case SQLITE_READONLY:
            throw Error(ErrorKind::store, fmt::format("store {} is read-only for this process", where),
                        "a change needs write access to the store file and to its directory");
        case SQLITE_FULL:
            throw Error(ErrorKind::store_unavailable, fmt::format("cannot write store {}: the disk is full", where),
                        "free some space and retry; nothing was changed");
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            throw Error(ErrorKind::store_damaged, fmt::format("store {} is damaged: {}", where, e.what()),
                        "restore it from a backup; apiuser will not modify it");
        case SQLITE_IOERR:
            throw Error(ErrorKind::store_unavailable,
                        system_error_number == 0 ? fmt::format("I/O error on store {}: {}", where, e.what())
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

namespace {

// Removes `name` (relative to the directory `dir_fd`, or AT_FDCWD) and its -wal, -shm and -journal files.
void remove_store_files_at(int dir_fd, const std::string& name) {
    // SQLite may have made a journal before failing (switching a new file to WAL writes one), and may have
    // failed to delete it: a store that was never finished leaves nothing behind.
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        ::unlinkat(dir_fd, (name + suffix).c_str(), 0);
    }
}

}  // namespace

Store create_store(const StoreLocation& location, const StoreOptions& options,
                   const std::function<void(Records&)>& fill) {
    const fs::path& path = location.path();
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        throw Error(ErrorKind::invalid_state, fmt::format("{} already exists", quoted(path)),
                    "use the existing store, or choose another path with --store");
    }
    const auto dir = open_store_directory(path);
    // O_EXCL with O_CREAT refuses an existing file and any symlink planted at the path, even a dangling one.
    const int fd =
        ::openat(dir.get(), path.filename().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            throw Error(ErrorKind::invalid_state, fmt::format("{} already exists", quoted(path)),
                        "use the existing store, or choose another path with --store");
        }
        throw system_error(fmt::format("cannot create store {}", quoted(path)), errno);
    }
    const bool private_mode = ::fchmod(fd, 0600) == 0;  // the umask may have removed bits, never added
    struct stat created {};
    const bool stated = ::fstat(fd, &created) == 0;
    ::close(fd);
    try {
        if (!private_mode) {
            throw system_error(fmt::format("cannot set mode 0600 on {}", quoted(path)), errno);
        }
        SQLite::Database db{path.string(), open_flags(true)};
        // SQLite opens it by its name: make sure that name still leads to the file made above.
        struct stat opened {};
        if (!stated || ::lstat(path.c_str(), &opened) != 0 || opened.st_dev != created.st_dev ||
            opened.st_ino != created.st_ino) {
            throw Error(ErrorKind::store, fmt::format("store {} was replaced while it was created", quoted(path)),
                        "someone else can write a directory above it: choose another --store");
        }
        db.exec("PRAGMA journal_mode = WAL");
        apply_connection_settings(db, options);
        auto backend = std::make_unique<SqliteBackend>(location, std::move(db), false);
        backend->write_connection(
            [&](SQLite::Database& tx) {
                migrate(tx, 0);
                SqliteRecords records{tx};
                fill(records);
            },
            false);
        return Store{std::move(backend)};
    } catch (const SQLite::Exception& e) {
        remove_store_files_at(dir.get(),
                              path.filename().string());  // in the directory made above, whatever happened to its path
        throw Error(ErrorKind::store, fmt::format("cannot create store {}: {}", quoted(path), e.what()));
    } catch (...) {
        remove_store_files_at(dir.get(), path.filename().string());
        throw;
    }
}

std::unique_ptr<Backend> open_store(const StoreLocation& location, const StoreOptions& options) {
    const fs::path& path = location.path();
    check_store_file(path);
    check_sqlite_header(path);
    const bool writable = !options.read_only && ::access(path.c_str(), W_OK) == 0;
    if (writable) {
        check_companion_files(path);
    }
    std::unique_ptr<SqliteBackend> impl;
    try {
        impl = writable
                   ? std::make_unique<SqliteBackend>(location, SQLite::Database{path.string(), open_flags(true)}, false)
                   : open_without_writing(path, options);
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorKind::store, fmt::format("cannot open store {}: {}", quoted(path), e.what()),
                    "check the permissions of the store file and its directory");
    }
    auto& db = impl->database();
    int version = 0;
    try {
        db.setBusyTimeout(static_cast<int>(options.lock_timeout.count()));
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
    if (version < current_schema_version() && options.read_only) {
        throw Error(
            ErrorKind::store,
            fmt::format("store {} has an older schema (version {}) and was opened read-only", quoted(path), version),
            "run any apiuser command that changes the store to upgrade it");
    }
    try {
        check_schema(db, version, path);
    } catch (const SQLite::Exception& e) {
        impl->fail(e);
    }
    try {
        apply_connection_settings(db, options);
        if (writable && db.execAndGet("PRAGMA journal_mode").getString() != "wal") {
            db.exec("PRAGMA journal_mode = WAL");
        }
    } catch (const SQLite::Exception& e) {
        impl->fail(e);
    }
    if (version < current_schema_version()) {
        impl->write_connection(
            [&](SQLite::Database& tx) {
                // Another process may have migrated it while this one waited for the lock.
                const int now = pragma_int(tx, "user_version");
                if (now < current_schema_version()) {
                    migrate(tx, now);
                }
            },
            false);
    }
    return impl;
}

const char* library_version() noexcept {
    return sqlite3_libversion();
}

}  // namespace apiuser::store::sqlite
