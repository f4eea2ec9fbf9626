// Environment faults: what the machine does to the store and the process (permissions, odd files, damage,
// full disks, broken stdout, little memory, signals). Each must give a clear one-line error, the documented
// exit code, and leave the store as it was.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expect.hpp"
#include "pty.hpp"
#include "reliability.hpp"
#include "sandbox.hpp"

using apiuser::reliability::Child;
using apiuser::reliability::consistency_problems;
using apiuser::reliability::join_lines;
using apiuser::reliability::nobody_uid;
using apiuser::reliability::piped_stdin;
using apiuser::reliability::read_file;
using apiuser::reliability::report;
using apiuser::reliability::running_as_root;
using apiuser::reliability::sanitizer_build;
using apiuser::test::check_error_output;
using apiuser::test::describe;
using apiuser::test::lines_of;
using apiuser::test::ProcessOptions;
using apiuser::test::ProcessResult;
using apiuser::test::PtySession;
using apiuser::test::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream file{path, std::ios::binary | std::ios::trunc};
    file << bytes;
}

// A store with an account, an admin, and API users in each status, for commands to work on.
struct Populated {
    std::string enabled;
    std::string disabled;
    std::string revoked;
};

Populated populate(const Sandbox& s) {
    s.init();
    Populated p;
    p.enabled = s.create("Magento Production");
    p.disabled = s.create("Dynamics CRM", {"--disabled"});
    p.revoked = s.create("Old integration");
    REQUIRE(s.run({"revoke", "--yes", p.revoked}).exit_code == 0);
    for (int i = 0; i < 20; ++i) {
        s.create(fmt::format("Filler {}", i));  // a few pages' worth of rows and audit log
    }
    return p;
}

// Every command, reading and writing, that the faults below are tried against.
std::vector<std::vector<std::string>> every_command(const Populated& p) {
    return {{"list"},
            {"list", "--all", "--json"},
            {"describe", p.enabled},
            {"log"},
            {"member", "list"},
            {"account", "show"},
            {"create", "--generate-password"},
            {"disable", p.enabled},
            {"enable", p.disabled},
            {"revoke", "--yes", p.enabled},
            {"describe", p.enabled, "--description", "changed"},
            {"passwd", p.enabled, "--generate-password"},
            {"member", "add", "alice", "--allow-unknown-login"},
            {"account", "set", "--company", "Renamed"},
            {"verify", p.enabled, "--password-stdin"}};
}

std::optional<std::string> input_for(const std::vector<std::string>& args) {
    return args.front() == "verify" ? std::optional<std::string>{"Wr0ng-password\n"} : std::nullopt;
}

// The store file, its WAL and its shared-memory file, byte for byte ("" for a missing one).
using StoreFiles = std::map<std::string, std::optional<std::string>>;

StoreFiles store_files(const Sandbox& s) {
    StoreFiles files;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        const fs::path path = s.store().string() + suffix;
        files[suffix] = fs::exists(path) ? std::optional{read_file(path)} : std::nullopt;
    }
    return files;
}

// What differs between two sets of store files, briefly; empty when nothing does.
std::string changes(const StoreFiles& before, const StoreFiles& after) {
    std::string text;
    for (const auto& [suffix, bytes] : before) {
        const auto& now = after.at(suffix);
        const std::string name = "store" + suffix;
        if (bytes.has_value() != now.has_value()) {
            text += fmt::format("{} {}; ", name, bytes ? "disappeared" : "appeared");
        } else if (bytes && *bytes != *now) {
            std::size_t at = 0;
            while (at < bytes->size() && at < now->size() && (*bytes)[at] == (*now)[at]) {
                ++at;
            }
            text += fmt::format("{} changed ({} -> {} bytes, first difference at {}); ", name, bytes->size(),
                                now->size(), at);
        }
    }
    return text;
}

// A plain user to run as: "nobody" when the suite runs as root, else the current user. The sandbox is
// handed over to it.
std::optional<uid_t> unprivileged(const Sandbox& s) {
    if (!running_as_root()) {
        return std::nullopt;
    }
    for (const auto& entry : fs::recursive_directory_iterator(s.dir())) {
        REQUIRE(::lchown(entry.path().c_str(), nobody_uid, nobody_uid) == 0);
    }
    REQUIRE(::chown(s.dir().c_str(), nobody_uid, nobody_uid) == 0);
    return nobody_uid;
}

ProcessResult run_as(const Sandbox& s, std::optional<uid_t> uid, const std::vector<std::string>& args,
                     std::optional<std::string> input = std::nullopt) {
    ProcessOptions options;
    options.uid = uid;
    options.input = std::move(input);
    return s.run_with(args, options);
}

}  // namespace

TEST_CASE("environment: a read-only store file serves readers and refuses changes cleanly",
          "[reliability][environment]") {
    apiuser::reliability::Tally tried{"environment", "read-only store file: changes refused"};
    Sandbox s;
    fs::create_directories(s.store().parent_path());
    const auto uid = unprivileged(s);
    auto r = run_as(s, uid, {"init", "--company", "Acme", "--argon2", apiuser::test::fast_argon2});
    REQUIRE(r.exit_code == 0);
    r = run_as(s, uid, {"create", "--generate-password", "--quiet"});
    REQUIRE(r.exit_code == 0);
    const auto user = lines_of(r.out).at(0);
    REQUIRE(::chmod(s.store().c_str(), 0400) == 0);
    for (const auto& args : std::vector<std::vector<std::string>>{{"list"}, {"describe", user}, {"log"}}) {
        r = run_as(s, uid, args);
        INFO(describe(r));
        CHECK(r.exit_code == 0);
    }
    const auto before = store_files(s);
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"create", "--generate-password"},
                                               {"disable", user},
                                               {"passwd", user, "--generate-password"},
                                               {"member", "add", "alice", "--allow-unknown-login"}}) {
        r = run_as(s, uid, args);
        INFO(describe(r));
        check_error_output(r, args, 1);
        CHECK_THAT(r.err, Catch::Contains("read-only"));
        ++tried;
    }
    CHECK(changes(before, store_files(s)) == "");
}

TEST_CASE("environment: a read-only directory gives a clear error and changes nothing", "[reliability][environment]") {
    apiuser::reliability::Tally tried{"environment", "read-only directory: commands refused"};
    Sandbox s;
    fs::create_directories(s.store().parent_path());
    const auto uid = unprivileged(s);
    REQUIRE(run_as(s, uid, {"init", "--company", "Acme", "--argon2", apiuser::test::fast_argon2}).exit_code == 0);
    auto r = run_as(s, uid, {"create", "--generate-password", "--quiet"});
    REQUIRE(r.exit_code == 0);
    const auto user = lines_of(r.out).at(0);
    REQUIRE(::chmod(s.store().parent_path().c_str(), 0500) == 0);
    const auto before = store_files(s);
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"list"},
                                               {"create", "--generate-password"},
                                               {"disable", user},
                                               {"member", "add", "alice", "--allow-unknown-login"}}) {
        r = run_as(s, uid, args);
        INFO(describe(r));
        check_error_output(r, args, 1);
        CHECK_THAT(r.err, Catch::Contains("director"));
        ++tried;
    }
    CHECK(changes(before, store_files(s)) == "");
    REQUIRE(::chmod(s.store().parent_path().c_str(), 0700) == 0);
    CHECK(run_as(s, uid, {"disable", user}).exit_code == 0);
}

// The names in the store's directory, sorted: a reader must leave it exactly as it found it.
std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

TEST_CASE("environment: a reader without write access leaves no file behind and never blocks a writer",
          "[reliability][environment]") {
    if (!running_as_root()) {
        WARN("skipped: acting as two users needs root (CI runs as root)");
        return;
    }
    apiuser::reliability::Tally tried{"environment", "reads without write access: no file left, writer unblocked"};
    // The shared setup: the owner ("nobody") owns the directory (2770) and the store (0640); a member whose
    // group is the store's may read it. uid 1 ("daemon") stands for that member, its group 1 for theirs.
    constexpr uid_t reader_uid = 1;
    Sandbox s;
    const auto dir = s.store().parent_path();
    fs::create_directories(dir);
    REQUIRE(::chmod(s.dir().c_str(), 0711) == 0);
    REQUIRE(::chown(dir.c_str(), nobody_uid, reader_uid) == 0);
    REQUIRE(::chmod(dir.c_str(), 02770) == 0);
    const std::optional<uid_t> owner = nobody_uid;
    REQUIRE(run_as(s, owner, {"init", "--company", "Acme", "--argon2", apiuser::test::fast_argon2}).exit_code == 0);
    REQUIRE(run_as(s, owner, {"member", "add", "daemon"}).exit_code == 0);
    auto r = run_as(s, owner, {"create", "--generate-password", "--quiet", "--description", "Shop"});
    REQUIRE(r.exit_code == 0);
    const auto user = lines_of(r.out).at(0);
    REQUIRE(::chmod(s.store().c_str(), 0640) == 0);
    const std::vector<std::string> only_the_store{s.store().filename().string()};
    REQUIRE(listing(dir) == only_the_store);

    const std::vector<std::vector<std::string>> reads{
        {"list"}, {"describe", user}, {"log"}, {"__complete", "--", "describe", ""}};
    for (const auto& args : reads) {
        r = run_as(s, reader_uid, args);
        INFO(describe(r));
        CHECK(r.exit_code == 0);
        CHECK(listing(dir) == only_the_store);
        // The owner can still write: the reader changed nothing it depends on.
        r = run_as(s, owner, {"disable", user});
        INFO(describe(r));
        CHECK(r.exit_code == 0);
        REQUIRE(run_as(s, owner, {"enable", user}).exit_code == 0);
        ++tried;
    }
    // Shell completion never creates a file, even for the owner.
    r = run_as(s, owner, {"__complete", "--", "describe", ""});
    CHECK(r.exit_code == 0);
    CHECK(listing(dir) == only_the_store);

    // One user: chmod 0400, a read, chmod 0600, and the store is writable again.
    REQUIRE(::chmod(s.store().c_str(), 0400) == 0);
    CHECK(run_as(s, owner, {"list"}).exit_code == 0);
    CHECK(listing(dir) == only_the_store);
    REQUIRE(::chmod(s.store().c_str(), 0600) == 0);
    r = run_as(s, owner, {"disable", user});
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    ++tried;

    // Files left by an older apiuser or another program: the error names them and says how to fix it.
    for (const char* suffix : {"-wal", "-shm"}) {
        const auto leftover = s.store().string() + suffix;
        write_file(leftover, "");
        REQUIRE(::chown(leftover.c_str(), reader_uid, reader_uid) == 0);
        REQUIRE(::chmod(leftover.c_str(), 0640) == 0);
    }
    const auto before = store_files(s);
    r = run_as(s, owner, {"enable", user});
    check_error_output(r, {"enable", user}, 1);
    CHECK_THAT(r.err, Catch::Contains(s.store().string() + "-wal") && Catch::Contains(s.store().string() + "-shm") &&
                          Catch::Contains("rm "));
    CHECK(changes(before, store_files(s)) == "");
    ++tried;
}

TEST_CASE("environment: a missing directory, a directory, a symlink, a FIFO or a device as the store",
          "[reliability][environment]") {
    apiuser::reliability::Tally tried{
        "environment", "odd store paths (missing directory, directory, symlinks, FIFO, device): commands refused"};
    Sandbox s;
    const auto p = populate(s);
    const auto real_store = s.dir() / "real" / "apiuser.db";
    fs::create_directories(real_store.parent_path());
    fs::copy_file(s.store(), real_store);
    const auto real_before = read_file(real_store);

    struct Case {
        std::string what;
        fs::path path;
        std::string message;
    };
    const auto odd = s.dir() / "odd";
    fs::create_directories(odd / "a-directory");
    fs::create_symlink(real_store, odd / "a-symlink");
    fs::create_symlink(odd / "nowhere", odd / "a-dangling-symlink");
    REQUIRE(::mkfifo((odd / "a-fifo").c_str(), 0600) == 0);
    const std::vector<Case> cases{
        {"missing directory", s.dir() / "missing" / "dir" / "apiuser.db", "no store at"},
        {"directory", odd / "a-directory", "is a directory"},
        {"symlink to a real store", odd / "a-symlink", "is a symbolic link"},
        {"dangling symlink", odd / "a-dangling-symlink", "is a symbolic link"},
        {"FIFO", odd / "a-fifo", "is a FIFO"},
        {"device", "/dev/null", "is a device"},
    };
    for (const auto& c : cases) {
        for (const auto& command : every_command(p)) {
            std::vector<std::string> args{"--store", c.path.string()};
            args.insert(args.end(), command.begin(), command.end());
            ProcessOptions options;
            options.input = input_for(command);
            options.timeout = std::chrono::seconds{20};  // a FIFO must not make it wait for a writer
            const auto r = s.run_with(args, options);
            INFO(c.what << ": " << command.front() << "\n" << describe(r));
            check_error_output(r, args, 1);
            CHECK_THAT(r.err, Catch::Contains(c.message));
            ++tried;
        }
    }
    // init never replaces any of them either.
    for (const auto& c : cases) {
        if (c.what == "missing directory") {
            continue;
        }
        const auto r = s.run({"--store", c.path.string(), "init", "--company", "Acme"});
        INFO(c.what << "\n" << describe(r));
        check_error_output(r, {}, 5);
        ++tried;
    }
    CHECK((read_file(real_store) == real_before));
    CHECK(fs::is_symlink(odd / "a-dangling-symlink"));
    CHECK_FALSE(fs::exists(odd / "nowhere"));
    // A store path below a regular file: init cannot create the directory and says so.
    const auto r = s.run({"--store", (s.dir() / "real" / "apiuser.db" / "x.db").string(), "init", "--company", "Acme"});
    INFO(describe(r));
    check_error_output(r, {}, 1);
    CHECK((read_file(real_store) == real_before));
}

TEST_CASE("environment: a truncated store is reported as damaged by every command and left alone",
          "[reliability][environment]") {
    apiuser::reliability::Tally tried{"environment", "truncated stores: commands refused"};
    Sandbox pristine;
    const auto p = populate(pristine);
    pristine.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto bytes = read_file(pristine.store());
    REQUIRE(bytes.size() > 8192);
    std::size_t succeeded = 0;
    for (const std::size_t length : {std::size_t{0}, std::size_t{15}, std::size_t{100}, std::size_t{4096},
                                     bytes.size() / 2, bytes.size() - 4096, bytes.size() - 1}) {
        for (const auto& command : every_command(p)) {
            Sandbox s;
            fs::create_directories(s.store().parent_path());
            ::chmod(s.store().parent_path().c_str(), 0700);
            write_file(s.store(), bytes.substr(0, length));
            ::chmod(s.store().c_str(), 0600);
            const auto before = store_files(s);
            const auto r = s.run(command, input_for(command));
            INFO("truncated to " << length << " of " << bytes.size() << ": "
                                 << fmt::format("{}", fmt::join(command, " ")) << "\n"
                                 << describe(r));
            CHECK(r.signal == 0);
            check_error_output(r, command, 1);
            CHECK_THAT(r.err, Catch::Contains("damaged") || Catch::Contains("not an apiuser store"));
            CHECK(changes(before, store_files(s)) == "");
            succeeded += r.exit_code == 0 ? 1 : 0;
            ++tried;
        }
    }
    CHECK(succeeded == 0);
}

TEST_CASE("environment: flipped bytes never crash apiuser, a damaged page is reported and the store left alone",
          "[reliability][environment]") {
    apiuser::reliability::Tally tried{"environment", "flipped-byte runs"};
    Sandbox pristine;
    const auto p = populate(pristine);
    pristine.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto bytes = read_file(pristine.store());
    const std::size_t page_size = 4096;
    std::mt19937_64 random{apiuser::reliability::seed()};
    // Each page's b-tree type byte (every page but the first, whose header comes first) and random bytes.
    std::vector<std::size_t> offsets;
    for (std::size_t page = 1; page * page_size < bytes.size(); ++page) {
        offsets.push_back(page * page_size);
    }
    const std::size_t random_flips = apiuser::reliability::scaled(40, 10);
    for (std::size_t i = 0; i < random_flips; ++i) {
        offsets.push_back(100 + random() % (bytes.size() - 100));
    }
    const auto commands = every_command(p);
    std::size_t detected = 0, runs = 0;
    for (const auto offset : offsets) {
        std::string damaged = bytes;
        damaged[offset] = static_cast<char>(damaged[offset] ^ 0xff);
        // Each flip is tried with a few commands, in turn, so that every command meets several kinds of damage.
        for (std::size_t k = 0; k < 3; ++k) {
            const auto& command = commands[(offset / 7 + k * 5) % commands.size()];
            Sandbox s;
            fs::create_directories(s.store().parent_path());
            ::chmod(s.store().parent_path().c_str(), 0700);
            write_file(s.store(), damaged);
            ::chmod(s.store().c_str(), 0600);
            const auto before = store_files(s);
            const auto r = s.run(command, input_for(command));
            INFO("byte " << offset << " flipped: " << fmt::format("{}", fmt::join(command, " ")) << "\n"
                         << describe(r));
            ++runs;
            ++tried;
            REQUIRE(r.signal == 0);
            if (r.exit_code == 0) {
                continue;  // the damage was somewhere this command does not read
            }
            // verify's "authentication failed" is its answer for a wrong password, damaged or not.
            if (r.exit_code == 6) {
                continue;
            }
            check_error_output(r, command, 1);
            CHECK(changes(before, store_files(s)) == "");
            ++detected;
        }
    }
    report("environment", fmt::format("{} flipped-byte stores tried with {} commands: no crash, {} damage reports, "
                                      "each leaving the store as it was",
                                      offsets.size(), runs, detected));
}

TEST_CASE("environment: a store of a newer schema is refused by every command and never modified",
          "[reliability][environment]") {
    apiuser::reliability::Tally tried{"environment", "newer-schema store: commands refused"};
    Sandbox s;
    const auto p = populate(s);
    s.execute_sql("PRAGMA user_version = 99");
    const auto before = store_files(s);
    for (const auto& command : every_command(p)) {
        const auto r = s.run(command, input_for(command));
        INFO(describe(r));
        check_error_output(r, command, 1);
        CHECK_THAT(r.err, Catch::Contains("newer apiuser") && Catch::Contains("upgrade apiuser"));
        ++tried;
    }
    CHECK(changes(before, store_files(s)) == "");
}

namespace {

// A small tmpfs mounted in the sandbox for as long as it lives.
class SmallFileSystem {
  public:
    SmallFileSystem(const fs::path& where, std::size_t kib) : where_(where) {
        fs::create_directories(where);
        const auto options = fmt::format("size={}k,mode=0700", kib);
        mounted_ = ::mount("tmpfs", where.c_str(), "tmpfs", 0, options.c_str()) == 0;
        error_ = mounted_ ? "" : std::strerror(errno);
    }
    ~SmallFileSystem() {
        if (mounted_) {
            ::umount2(where_.c_str(), MNT_DETACH);
        }
    }
    SmallFileSystem(const SmallFileSystem&) = delete;
    SmallFileSystem& operator=(const SmallFileSystem&) = delete;

    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }

    // Fills the file system up to `leave_kib` KiB of free space with a filler file.
    void fill(std::size_t leave_kib) const {
        const auto filler = where_ / "filler";
        fs::remove(filler);
        const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        REQUIRE(fd >= 0);
        std::string block(1024, 'f');
        while (true) {
            const auto space = fs::space(where_);
            if (space.available <= leave_kib * 1024) {
                break;
            }
            if (::write(fd, block.data(), block.size()) <= 0) {
                break;
            }
        }
        ::close(fd);
    }
    void empty() const { fs::remove(where_ / "filler"); }

  private:
    fs::path where_;
    bool mounted_ = false;
    std::string error_;
};

}  // namespace

TEST_CASE("environment: a full file system fails changes with 'disk is full' and keeps the store whole",
          "[reliability][environment][root]") {
    apiuser::reliability::Tally tried{"environment", "full or nearly full file system: changes tried"};
    if (!running_as_root()) {
        WARN("skipped: mounting a small tmpfs to fill up needs root (CI runs as root)");
        return;
    }
    Sandbox s;
    SmallFileSystem small{s.dir() / "small", 1024};
    if (!small.mounted()) {
        WARN("skipped: cannot mount a tmpfs here (" << small.error() << ")");
        return;
    }
    const auto store = s.dir() / "small" / "store" / "apiuser.db";
    ProcessOptions options;
    options.env = s.environment();
    options.env["APIUSER_STORE"] = store.string();
    auto run = [&](const std::vector<std::string>& args) { return s.run_with(args, options); };
    REQUIRE(run({"init", "--company", "Acme", "--argon2", apiuser::test::fast_argon2}).exit_code == 0);
    const auto user = lines_of(run({"create", "--generate-password", "--quiet"}).out).at(0);

    small.fill(0);
    const auto before = read_file(store);
    // A new member login each round, so that adding a member can succeed more than once.
    std::size_t round = 0;
    const auto changes = [&] {
        ++round;
        return std::vector<std::vector<std::string>>{
            {"create", "--generate-password"},
            {"disable", user},
            {"describe", user, "--description", "changed"},
            {"passwd", user, "--generate-password"},
            {"member", "add", fmt::format("member{}", round), "--allow-unknown-login"},
            {"account", "set", "--company", "Renamed"}};
    };
    for (const auto& args : changes()) {
        const auto r = run(args);
        INFO(describe(r));
        check_error_output(r, args, 1);
        CHECK_THAT(r.err, Catch::Contains("disk is full") || Catch::Contains("No space left"));
        CHECK((read_file(store) == before));
        ++tried;
    }
    // A new store on a full disk leaves nothing behind.
    const auto second = s.dir() / "small" / "second.db";
    auto r = s.run({"--store", second.string(), "init", "--company", "Acme"});
    INFO(describe(r));
    check_error_output(r, {}, 1);
    CHECK_FALSE(fs::exists(second));
    CHECK_FALSE(fs::exists(second.string() + "-wal"));
    ++tried;

    // Nearly full, in steps: every change either happens whole or not at all. The test's own reader keeps
    // the shared-memory file allocated, so that looking at the store needs no space; it is opened while
    // there is space to create that file.
    small.empty();
    SQLite::Database reader{store.string(), SQLite::OPEN_READONLY};
    reader.execAndGet("SELECT count(*) FROM api_users");
    std::size_t failures = 0, successes = 0;
    for (std::size_t free_kib = 4; free_kib <= 64; free_kib += 4) {
        small.fill(free_kib);
        for (const auto& args : changes()) {
            const auto before_change = apiuser::reliability::snapshot(store);
            r = run(args);
            INFO(free_kib << " KiB free\n" << describe(r));
            CHECK(r.signal == 0);
            const auto problems = consistency_problems(store);
            INFO(join_lines(problems));
            CHECK(problems.empty());
            if (r.exit_code == 0) {
                ++successes;
            } else {
                if (r.err.find("the change was NOT saved") != std::string::npos) {
                    // The rare commit that fails after the result was written: exit 1 and the printed result void.
                    CHECK(r.exit_code == 1);
                } else {
                    check_error_output(r, args, 1);
                }
                CHECK(apiuser::reliability::snapshot(store) == before_change);
                ++failures;
            }
            ++tried;
        }
    }
    small.empty();
    for (const auto& args : changes()) {
        r = run(args);
        INFO(describe(r));
        CHECK(r.exit_code == 0);
    }
    report("environment", fmt::format("full tmpfs: every change refused whole; nearly full in 16 steps: {} changes "
                                      "succeeded and {} failed cleanly, integrity ok throughout",
                                      successes, failures));
}

TEST_CASE("environment: standard output on /dev/full is an error, not a silent success", "[reliability][environment]") {
    apiuser::reliability::Tally tried{"environment", "commands with stdout on /dev/full: all exit 1"};
    Sandbox s;
    const auto p = populate(s);
    for (const auto& args : std::vector<std::vector<std::string>>{{"list"},
                                                                  {"list", "--json"},
                                                                  {"describe", p.enabled},
                                                                  {"log"},
                                                                  {"member", "list"},
                                                                  {"account", "show"},
                                                                  {"create", "--generate-password", "--quiet"},
                                                                  {"--help"},
                                                                  {"--version"}}) {
        ProcessOptions options;
        options.stdout_path = "/dev/full";
        const auto r = s.run_with(args, options);
        INFO(describe(r));
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("cannot write to standard output"));
        ++tried;
    }
}

TEST_CASE("environment: a change whose result cannot be written changes nothing", "[reliability][environment]") {
    apiuser::reliability::Tally tried{"environment",
                                      "changes with stdout on /dev/full or a closed pipe: all exit 1, store unchanged"};
    Sandbox s;
    const auto p = populate(s);
    const std::string known_password = "Kn0wn-Old-Secret-Still-Works";
    const auto created =
        s.run({"create", "--password-stdin", "--quiet", "--description", "known"}, known_password + "\n");
    REQUIRE(created.exit_code == 0);
    const auto known = lines_of(created.out).at(0);
    REQUIRE(s.run({"member", "add", "daemon"}).exit_code == 0);
    const std::vector<std::vector<std::string>> changes{
        {"create", "--generate-password"},
        {"create", "--generate-password", "--quiet"},
        {"create", "--generate-password", "--json"},
        {"passwd", known, "--generate-password"},
        {"passwd", known, "--generate-password", "--quiet"},
        {"passwd", known, "--generate-password", "--keep-old-for", "1h", "--json"},
        {"disable", p.enabled},
        {"disable", p.enabled, "--json"},
        {"enable", p.disabled},
        {"revoke", "--yes", p.enabled},
        {"describe", p.enabled, "--description", "changed"},
        {"describe", p.enabled, "--description", "changed", "--json"},
        {"member", "add", "nobody"},
        {"member", "set", "daemon", "--manage-account"},
        {"member", "remove", "daemon"},
        {"account", "set", "--company", "Renamed Ltd"},
        {"account", "set", "--argon2", apiuser::test::fast_argon2, "--json"}};
    for (const bool closed_pipe : {false, true}) {
        for (const auto& args : changes) {
            const auto before = s.dump();
            ProcessOptions options;
            options.stdout_path = closed_pipe ? "" : "/dev/full";
            options.stdout_closed_pipe = closed_pipe;
            const auto r = s.run_with(args, options);
            INFO((closed_pipe ? "closed pipe: " : "/dev/full: ") << fmt::format("{}", fmt::join(args, " ")) << "\n"
                                                                 << describe(r));
            CHECK(r.signal == 0);  // never killed by SIGPIPE half-way
            CHECK(r.exit_code == 1);
            CHECK_THAT(r.err, Catch::Contains("cannot write to standard output"));
            CHECK(s.dump() == before);
            ++tried;
        }
        // The password nobody saw was never set: the old one still works.
        CHECK(s.run({"verify", known, "--password-stdin"}, known_password + "\n").exit_code == 0);
    }
    // init: no store is left behind for a retry to trip over.
    Sandbox fresh;
    for (const bool closed_pipe : {false, true}) {
        ProcessOptions options;
        options.stdout_path = closed_pipe ? "" : "/dev/full";
        options.stdout_closed_pipe = closed_pipe;
        const auto r = fresh.run_with({"init", "--company", "Acme", "--argon2", apiuser::test::fast_argon2}, options);
        INFO(describe(r));
        CHECK(r.signal == 0);
        CHECK(r.exit_code == 1);
        CHECK_FALSE(fs::exists(fresh.store()));
        ++tried;
    }
    // The same commands still work when their result can be written.
    CHECK(s.run({"passwd", known, "--generate-password", "--quiet"}).exit_code == 0);
    CHECK(s.run({"verify", known, "--password-stdin"}, known_password + "\n").exit_code == 6);
}

TEST_CASE("environment: a tiny address-space limit ends in a clean error, never a crash",
          "[reliability][environment]") {
    if (sanitizer_build) {
        WARN(
            "skipped under AddressSanitizer, which reserves terabytes of address space and cannot run under ulimit -v");
        return;
    }
    apiuser::reliability::Tally tried{"environment", "runs under ulimit -v"};
    Sandbox s;
    const auto p = populate(s);
    // Ask for a cost that needs 256 MiB per hash, more than the limits below allow.
    REQUIRE(s.run({"account", "set", "--argon2", "m=262144,t=1,p=1"}).exit_code == 0);
    const auto before = s.dump();
    auto run_limited = [&](std::size_t limit_mib, const std::vector<std::string>& command) {
        std::vector<std::string> argv{"/bin/sh", "-c",
                                      fmt::format("ulimit -v {} && exec \"$0\" \"$@\"", limit_mib * 1024),
                                      apiuser::test::apiuser_binary()};
        argv.insert(argv.end(), command.begin(), command.end());
        ProcessOptions options;
        options.env = s.environment();
        return apiuser::test::run_process(argv, options);
    };
    // Below some limit the kernel or the dynamic loader cannot even start the program: apiuser's own code
    // begins where `--version` first works.
    std::size_t floor_mib = 1;
    while (run_limited(floor_mib, {"--version"}).exit_code != 0) {
        floor_mib += 1;
        REQUIRE(floor_mib < 1024);
    }
    std::size_t clean_errors = 0, successes = 0;
    for (std::size_t limit_mib = floor_mib; limit_mib <= floor_mib + 160; limit_mib += 2) {
        for (const auto& command : std::vector<std::vector<std::string>>{
                 {"list"}, {"create", "--generate-password"}, {"passwd", p.enabled, "--generate-password"}}) {
            const auto r = run_limited(limit_mib, command);
            INFO(limit_mib << " MiB (" << floor_mib << " MiB to start): " << command.front() << "\n" << describe(r));
            REQUIRE(r.signal == 0);
            ++tried;
            if (r.exit_code == 0) {
                CHECK(command.front() == "list");  // the hashing commands cannot fit
                ++successes;
                continue;
            }
            check_error_output(r, command, 1);
            CHECK_THAT(r.err, Catch::Contains("out of memory") || Catch::Contains("memory"));
            ++clean_errors;
        }
    }
    CHECK(s.dump() == before);
    CHECK(clean_errors > 0);
    report("environment", fmt::format("ulimit -v from {} MiB (the least apiuser starts with) to {} MiB with list, "
                                      "create and passwd: {} clean 'out of memory' errors, {} successes, no crash, "
                                      "store unchanged",
                                      floor_mib, floor_mib + 160, clean_errors, successes));
}

namespace {

// Resident memory of `pid` in KiB, from /proc.
std::size_t resident_kib(pid_t pid) {
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoul(line.substr(6));
        }
    }
    return 0;
}

}  // namespace

TEST_CASE("environment: SIGINT, SIGTERM, SIGHUP and SIGQUIT at the password prompt restore echo and write nothing",
          "[reliability][environment][pty]") {
    apiuser::reliability::Tally tried{"environment", "signals at the password prompt: echo restored, nothing written"};
    Sandbox s;
    const auto p = populate(s);
    const auto before = s.dump();
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
        for (const auto& command :
             std::vector<std::vector<std::string>>{{"create"}, {"passwd", p.enabled}, {"verify", p.enabled}}) {
            std::vector<std::string> argv{apiuser::test::apiuser_binary()};
            argv.insert(argv.end(), command.begin(), command.end());
            PtySession pty{argv, s.environment()};
            REQUIRE(pty.expect(command.front() == "passwd" ? "New password for " : "Password: "));
            CHECK_FALSE(pty.echo_on());
            pty.send("half-typ");
            pty.signal(signal_number);
            INFO(strsignal(signal_number) << " during " << command.front() << "\n" << pty.output());
            CHECK(pty.wait() == 128 + signal_number);
            CHECK(pty.echo_on());
            ++tried;
        }
    }
    CHECK(s.dump() == before);
}

TEST_CASE("environment: Ctrl-Z at the password prompt restores echo, and fg turns it off again",
          "[reliability][environment][pty]") {
    apiuser::reliability::Tally tried{"environment", "Ctrl-Z and fg at the prompt of an interactive shell"};
    Sandbox s;
    s.init();
    // A shell with job control, as a person would use: only then does Ctrl-Z really stop the command.
    // Without line editing: readline turns echo off while it reads a command, which would hide the state
    // the terminal is really in at the shell's prompt.
    auto env = s.environment();
    env["PS1"] = "ready> ";
    env["TERM"] = "dumb";
    PtySession pty{{"/bin/bash", "--norc", "--noprofile", "--noediting", "-i"}, env};
    REQUIRE(pty.expect("ready> "));
    pty.send(apiuser::test::apiuser_binary() + " create --json\n");
    REQUIRE(pty.expect("Password: "));
    CHECK_FALSE(pty.echo_on());
    pty.send("\x1a");  // Ctrl-Z
    REQUIRE(pty.expect("Stopped"));
    REQUIRE(pty.expect("ready> "));
    CHECK(pty.echo_on());
    const auto prompts_before = pty.output().size();
    pty.send("fg\n");
    // Back in the foreground, apiuser turns echo off again and asks again.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (pty.output().find("Password: ", prompts_before) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        pty.expect("\x01 (never printed)", std::chrono::milliseconds{100});  // reads what arrives meanwhile
    }
    REQUIRE(pty.output().find("Password: ", prompts_before) != std::string::npos);
    CHECK_FALSE(pty.echo_on());
    pty.send("Typ3d-after-fg!\n");
    REQUIRE(pty.expect("Confirm password: "));
    pty.send("Typ3d-after-fg!\n");
    REQUIRE(pty.expect("\"username\""));
    pty.send("exit\n");
    pty.wait();
    CHECK(pty.output().find("Typ3d-after-fg!") == std::string::npos);
    const auto users = json::parse(s.run({"list", "--json"}).out);
    CHECK(users.size() == 1);
    ++tried;
}

TEST_CASE("environment: SIGINT or SIGTERM while hashing writes nothing and leaves no lock behind",
          "[reliability][environment]") {
    apiuser::reliability::Tally tried{"environment", "signals while hashing: nothing written"};
    Sandbox s;
    const auto p = populate(s);
    // 256 MiB per hash: long enough to be caught in the middle of it.
    REQUIRE(s.run({"account", "set", "--argon2", "m=262144,t=3,p=1"}).exit_code == 0);
    const auto before = s.dump();
    for (const int signal_number : {SIGINT, SIGTERM}) {
        for (const auto& command : std::vector<std::vector<std::string>>{{"create", "--password-stdin"},
                                                                         {"passwd", p.enabled, "--password-stdin"}}) {
            std::vector<std::string> argv{apiuser::test::apiuser_binary()};
            argv.insert(argv.end(), command.begin(), command.end());
            Child child{argv, piped_stdin(s.environment())};
            const auto at_start = resident_kib(child.pid());
            child.write_stdin("Hash-me-slowly-9\n");
            child.close_stdin();
            // Argon2 is filling its 256 MiB: the process is in the middle of hashing.
            const bool hashing = child.await([&] { return resident_kib(child.pid()) > at_start + 64 * 1024; });
            CHECK(hashing);
            child.signal(signal_number);
            const auto r = child.wait();
            INFO(strsignal(signal_number) << " during " << command.front() << "\n" << describe(r));
            CHECK(r.signal == signal_number);
            CHECK(s.dump() == before);
            ++tried;
        }
    }
    // Nothing is left locked: a change goes through at once.
    REQUIRE(s.run({"account", "set", "--argon2", apiuser::test::fast_argon2}).exit_code == 0);
    ProcessOptions options;
    options.env = s.environment();
    options.env["APIUSER_BUSY_TIMEOUT_MS"] = "0";
    CHECK(s.run_with({"disable", p.enabled}, options).exit_code == 0);
}
