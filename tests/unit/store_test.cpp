#include <fstream>
#include <functional>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sys/stat.h>

#include <apiuser/account.hpp>
#include <apiuser/api_users.hpp>
#include <apiuser/audit_log.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>
#include <apiuser/store.hpp>

#include "account_fixture.hpp"
#include "error_kind.hpp"
#include "fixed_random.hpp"
#include "manual_clock.hpp"
#include "sandbox.hpp"
#include "store/sqlite/sqlite_backend.hpp"

using namespace apiuser;
using apiuser::test::kind_of;
namespace fs = std::filesystem;

namespace {

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

NewAccount test_account(const std::string& owner = "owner") {
    NewAccount account;
    account.company = "Acme Widgets Ltd";
    account.owner_login = owner;
    account.owner_email = "owner@acme.example";
    account.argon2 = {8, 1, 1};
    return account;
}

}  // namespace

TEST_CASE("a new store is 0600 in a 0700 directory whatever the umask", "[store]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto path = sandbox.dir() / "a" / "b" / "apiuser.db";
    const mode_t previous = ::umask(0);
    init_account(path, test_account(), clock);
    ::umask(previous);
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(path.parent_path()) == 0700);
    CHECK(mode_of(path.parent_path().parent_path()) == 0700);
}

TEST_CASE("init refuses an existing path and leaves it alone", "[store]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto path = sandbox.dir() / "apiuser.db";
    init_account(path, test_account(), clock);
    std::ifstream before_file{path, std::ios::binary};
    const std::string before{std::istreambuf_iterator<char>{before_file}, {}};
    CHECK(kind_of([&] { init_account(path, test_account(), clock); }) == ErrorKind::invalid_state);
    std::ifstream after_file{path, std::ios::binary};
    CHECK(std::string{std::istreambuf_iterator<char>{after_file}, {}} == before);
}

TEST_CASE("init never follows a symlink planted at the store path", "[store]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto target = sandbox.dir() / "elsewhere";
    const auto path = sandbox.dir() / "apiuser.db";
    fs::create_symlink(target, path);
    CHECK(kind_of([&] { init_account(path, test_account(), clock); }) == ErrorKind::invalid_state);
    CHECK_FALSE(fs::exists(target));
}

TEST_CASE("a failed init leaves no file behind", "[store]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto path = sandbox.dir() / "apiuser.db";
    auto account = test_account();
    account.company = "";
    CHECK(kind_of([&] { init_account(path, account, clock); }) == ErrorKind::invalid_input);
    CHECK_FALSE(fs::exists(path));
    account = test_account();
    account.domain = "not a domain";
    CHECK(kind_of([&] { init_account(path, account, clock); }) == ErrorKind::invalid_input);
    CHECK_FALSE(fs::exists(path));
}

TEST_CASE("stores readable or writable by others are refused", "[store]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto path = sandbox.dir() / "apiuser.db";
    init_account(path, test_account(), clock);
    for (mode_t mode : {0604u, 0602u, 0601u, 0644u, 0666u}) {
        ::chmod(path.c_str(), mode);
        try {
            Store::open(path);
            FAIL("opened a store with mode " << mode);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::store);
            CHECK_THAT(e.hint(), Catch::Contains("chmod o-rwx"));
        }
    }
    ::chmod(path.c_str(), 0640);
    CHECK_NOTHROW(Store::open(path));
}

TEST_CASE("a store or its directory owned by another user, or writable by every user, is refused", "[store]") {
    if (::geteuid() != 0) {
        WARN("skipped: giving files to another user needs root (CI runs as root)");
        return;
    }
    constexpr uid_t nobody = 65534;
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto refusal = [](const std::function<void()>& attempt) -> std::string {
        try {
            attempt();
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::store);
            return std::string{e.what()} + " | " + e.hint();
        }
        return "accepted";
    };
    // Root running init in a directory another user made, open to everyone: that user could swap in a store
    // of their own afterwards, and verify would accept their credentials.
    const auto theirs = sandbox.dir() / "theirs";
    fs::create_directory(theirs);
    REQUIRE(::chown(theirs.c_str(), nobody, nobody) == 0);
    for (const mode_t mode : {0777u, 01777u, 0755u}) {
        INFO(fmt::format("{:04o}", mode));
        REQUIRE(::chmod(theirs.c_str(), mode) == 0);
        const auto message = refusal([&] { init_account(theirs / "apiuser.db", test_account(), clock); });
        CHECK_THAT(message, Catch::Contains("owned by nobody"));
        CHECK_FALSE(fs::exists(theirs / "apiuser.db"));
    }
    REQUIRE(::chown(theirs.c_str(), 0, 0) == 0);
    REQUIRE(::chmod(theirs.c_str(), 01777) == 0);
    CHECK_THAT(refusal([&] { init_account(theirs / "apiuser.db", test_account(), clock); }),
               Catch::Contains("writable by every user") && Catch::Contains("chmod o-w"));

    const auto path = sandbox.dir() / "mine" / "apiuser.db";
    init_account(path, test_account(), clock);
    REQUIRE(::chmod(path.parent_path().c_str(), 0777) == 0);
    CHECK_THAT(refusal([&] { Store::open(path); }), Catch::Contains("writable by every user"));
    REQUIRE(::chmod(path.parent_path().c_str(), 0700) == 0);
    REQUIRE(::chown(path.c_str(), nobody, nobody) == 0);
    CHECK_THAT(refusal([&] { Store::open(path); }), Catch::Contains("owned by nobody") && Catch::Contains("chown"));
    REQUIRE(::chown(path.c_str(), 0, 0) == 0);
    REQUIRE(::chown(path.parent_path().c_str(), nobody, nobody) == 0);
    CHECK_THAT(refusal([&] { Store::open(path); }), Catch::Contains("directory") && Catch::Contains("owned by nobody"));
    REQUIRE(::chown(path.parent_path().c_str(), 0, 0) == 0);
    CHECK_NOTHROW(Store::open(path));
}

TEST_CASE("files that are not our SQLite stores are refused and never modified", "[store]") {
    test::Sandbox sandbox;
    const auto path = sandbox.dir() / "file";
    auto write = [&](const std::string& bytes) {
        std::ofstream{path, std::ios::binary | std::ios::trunc} << bytes;
        ::chmod(path.c_str(), 0600);
    };
    auto read = [&] {
        std::ifstream file{path, std::ios::binary};
        return std::string{std::istreambuf_iterator<char>{file}, {}};
    };
    for (const std::string& content : std::vector<std::string>{
             std::string{}, std::string{"hello, world\n"}, std::string(4096, '\0'), std::string{"SQLite format 3"}}) {
        write(content);
        CHECK(kind_of([&] { Store::open(path); }) == ErrorKind::store);
        CHECK(read() == content);
    }
    fs::remove(path);
    {
        SQLite::Database other{path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        other.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    }
    ::chmod(path.c_str(), 0600);
    const auto before = read();
    CHECK(kind_of([&] { Store::open(path); }) == ErrorKind::store);
    CHECK(read() == before);
}

TEST_CASE("a store of a newer schema is refused and left as it was", "[store]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto path = sandbox.dir() / "apiuser.db";
    init_account(path, test_account(), clock);
    {
        SQLite::Database db{path.string(), SQLite::OPEN_READWRITE};
        db.exec("PRAGMA user_version = 999");
    }
    std::ifstream before_file{path, std::ios::binary};
    const std::string before{std::istreambuf_iterator<char>{before_file}, {}};
    try {
        Store::open(path);
        FAIL("opened a newer store");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::store);
        CHECK_THAT(e.what(), Catch::Contains("newer"));
    }
    std::ifstream after_file{path, std::ios::binary};
    CHECK(std::string{std::istreambuf_iterator<char>{after_file}, {}} == before);
}

TEST_CASE("a read-only open writes nothing: an older schema is refused, not upgraded", "[store]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    test::FixedRandom random{1};
    const auto path = sandbox.dir() / "apiuser.db";
    init_account(path, test_account(), clock);
    const auto bytes = [&] {
        std::ifstream file{path, std::ios::binary};
        return std::string{std::istreambuf_iterator<char>{file}, {}};
    };
    const StoreOptions read_only{.read_only = true};
    {
        Store store = Store::open(path, read_only);
        Session session{store, "owner", clock, random};
        CHECK(show_account(session).company == "Acme Widgets Ltd");
        CHECK(kind_of([&] { add_member(session, {"new", "", false, true}); }) == ErrorKind::store);
        // SQLite would create the WAL and its index to read a store in WAL mode, and a later writer that
        // cannot write them (another user's, or made while the store was 0400) would be stuck.
        CHECK_FALSE(fs::exists(path.string() + "-wal"));
        CHECK_FALSE(fs::exists(path.string() + "-shm"));
    }
    {
        SQLite::Database db{path.string(), SQLite::OPEN_READWRITE};
        db.exec("PRAGMA user_version = 0");
    }
    const auto before = bytes();
    try {
        Store::open(path, read_only);
        FAIL("opened an older store read-only");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::store);
        CHECK_THAT(e.what(), Catch::Contains("older schema"));
    }
    CHECK(bytes() == before);
}

TEST_CASE("a store whose schema was altered is refused and left as it was", "[store][schema]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto path = sandbox.dir() / "apiuser.db";
    init_account(path, test_account(), clock);
    const auto bytes = [&] {
        std::ifstream file{path, std::ios::binary};
        return std::string{std::istreambuf_iterator<char>{file}, {}};
    };
    struct Alteration {
        std::string sql;
        std::string undo;
        std::string reported;
    };
    const std::vector<Alteration> alterations{
        {"CREATE TRIGGER plant AFTER INSERT ON api_users BEGIN UPDATE api_users SET previous_password_hash = "
         "'x', previous_password_expires_at = '2099-01-01T00:00:00Z' WHERE seq = new.seq; END",
         "DROP TRIGGER plant", "unexpected trigger 'plant'"},
        {"CREATE VIEW everything AS SELECT * FROM api_users", "DROP VIEW everything", "unexpected view 'everything'"},
        {"CREATE INDEX api_users_by_hash ON api_users (password_hash)", "DROP INDEX api_users_by_hash",
         "unexpected index 'api_users_by_hash'"},
        {"DROP TRIGGER audit_log_no_delete",
         "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
         "    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
         "missing trigger 'audit_log_no_delete'"},
        {"ALTER TABLE members ADD COLUMN note TEXT", "", "changed table 'members'"},
    };
    for (const auto& alteration : alterations) {
        INFO(alteration.sql);
        {
            SQLite::Database db{path.string(), SQLite::OPEN_READWRITE};
            db.exec(alteration.sql);
            db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        const auto before = bytes();
        for (const StoreOptions& options : {StoreOptions{}, StoreOptions{.read_only = true}}) {
            try {
                Store::open(path, options);
                FAIL("opened an altered store");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::store_damaged);
                CHECK_THAT(e.what(),
                           Catch::Contains("store schema has been altered") && Catch::Contains(alteration.reported));
            }
        }
        CHECK(bytes() == before);
        if (alteration.undo.empty()) {
            break;  // the last one: a column cannot be dropped back into the same SQL
        }
        SQLite::Database db{path.string(), SQLite::OPEN_READWRITE};
        db.exec(alteration.undo);
    }
}

TEST_CASE("a store of an older schema version is upgraded and then opens", "[store][schema]") {
    test::Sandbox sandbox;
    const auto path = sandbox.dir() / "apiuser.db";
    {
        // Version 0: what a store is before its first migration, an apiuser database with no tables.
        SQLite::Database db{path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        db.exec("PRAGMA application_id = " + std::to_string(store::sqlite::apiuser_application_id));
    }
    ::chmod(path.c_str(), 0600);
    CHECK_NOTHROW(Store::open(path));
    CHECK_NOTHROW(Store::open(path, StoreOptions{.read_only = true}));
}

TEST_CASE("a store's connection does not trust its schema", "[store][schema]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    const auto path = sandbox.dir() / "apiuser.db";
    init_account(path, test_account(), clock);
    Store store = Store::open(path);
    auto& db = dynamic_cast<store::sqlite::SqliteBackend&>(store.backend()).database();
    CHECK(db.execAndGet("PRAGMA trusted_schema").getInt() == 0);
    // Defensive mode: the schema cannot be rewritten through sqlite_schema.
    db.exec("PRAGMA writable_schema = ON");
    CHECK_THROWS(db.exec("UPDATE sqlite_schema SET sql = sql WHERE name = 'audit_log_no_delete'"));
}

TEST_CASE("the store path comes from APIUSER_STORE, then XDG_DATA_HOME, then HOME", "[store]") {
    CHECK(default_store_location("/s/x.db", "/xdg", "/home/u").path() == fs::path{"/s/x.db"});
    CHECK(default_store_location("", "/xdg", "/home/u").path() == fs::path{"/xdg/apiuser/apiuser.db"});
    CHECK(default_store_location(nullptr, "relative", "/home/u").path() ==
          fs::path{"/home/u/.local/share/apiuser/apiuser.db"});
    CHECK(default_store_location(nullptr, nullptr, "/home/u").path() ==
          fs::path{"/home/u/.local/share/apiuser/apiuser.db"});
    CHECK_THROWS_AS(default_store_location(nullptr, nullptr, nullptr), Error);
}

TEST_CASE("only the owner and admins change things, members read, others nothing", "[store][permissions]") {
    test::AccountFixture f;
    Session& owner = *f.owner;
    add_member(owner, {"admin", "admin@acme.example", true, true});
    add_member(owner, {"plain", "", false, true});
    Session admin = f.as("admin");
    Session plain = f.as("plain");
    Session stranger = f.as("stranger");

    const auto created = create_api_user(admin, {"Magento Production", false, Secret{"Str0ng-enough!"}});
    const std::vector<std::string> names{created.user.username};

    for (Session* reader : {&owner, &admin, &plain}) {
        CHECK_NOTHROW(describe_api_user(*reader, created.user.id));
        CHECK_NOTHROW(list_members(*reader));
        CHECK_NOTHROW(show_account(*reader));
    }
    CHECK(kind_of([&] { describe_api_user(stranger, created.user.id); }) == ErrorKind::permission_denied);
    CHECK(kind_of([&] { list_members(stranger); }) == ErrorKind::permission_denied);
    CHECK(kind_of([&] { read_audit_log(stranger, {}, [](const AuditEntry&) {}); }) == ErrorKind::permission_denied);

    for (Session* refused : {&plain, &stranger}) {
        CHECK(kind_of([&] {
                  create_api_user(*refused, {"x", false, Secret{"Str0ng-enough!"}});
              }) == ErrorKind::permission_denied);
        CHECK(kind_of([&] { set_enabled(*refused, names, false); }) == ErrorKind::permission_denied);
        CHECK(kind_of([&] { revoke(*refused, names); }) == ErrorKind::permission_denied);
        CHECK(kind_of([&] { set_description(*refused, names[0], "y"); }) == ErrorKind::permission_denied);
        CHECK(kind_of([&] { add_member(*refused, {"new", "", false, true}); }) == ErrorKind::permission_denied);
        CHECK(kind_of([&] { set_member_permission(*refused, "plain", true); }) == ErrorKind::permission_denied);
        CHECK(kind_of([&] { remove_member(*refused, "admin"); }) == ErrorKind::permission_denied);
        CHECK(kind_of([&] {
                  update_account(*refused, {std::string{"New Co"}, std::nullopt});
              }) == ErrorKind::permission_denied);
    }
    CHECK(describe_api_user(owner, created.user.id).status == ApiUserStatus::enabled);

    CHECK(kind_of([&] { set_member_permission(admin, "owner", false); }) == ErrorKind::invalid_state);
    CHECK(kind_of([&] { remove_member(admin, "owner"); }) == ErrorKind::invalid_state);
    CHECK_NOTHROW(set_member_permission(owner, "admin", false));
    CHECK(kind_of([&] { set_enabled(admin, names, false); }) == ErrorKind::permission_denied);
}

TEST_CASE("every change writes exactly one audit row, in its own transaction", "[store][audit]") {
    test::AccountFixture f;
    Session& owner = *f.owner;
    const auto& clock = f.clock;
    add_member(owner, {"alice", "", false, true});
    set_member_permission(owner, "alice", true);
    set_member_permission(owner, "alice", true);  // no change: no row
    const auto user = create_api_user(owner, {"Dynamics CRM", false, std::nullopt}).user;
    const std::vector<std::string> names{user.id};
    set_enabled(owner, names, false);
    set_enabled(owner, names, false);  // no change: no row
    set_description(owner, user.id, "Dynamics CRM (EU)");
    revoke(owner, names);
    revoke(owner, names);  // no change: no row
    remove_member(owner, "alice");
    update_account(owner, {std::nullopt, Argon2Params{16, 1, 1}});

    std::vector<std::string> actions;
    read_audit_log(owner, {}, [&](const AuditEntry& entry) {
        actions.push_back(entry.action + " " + entry.target);
        CHECK(entry.actor == "owner");
        CHECK(entry.at == clock.now());
    });
    CHECK(actions == std::vector<std::string>{"account.init account", "member.add alice", "member.set alice",
                                              "api_user.create " + user.username, "api_user.disable " + user.username,
                                              "api_user.set_description " + user.username,
                                              "api_user.revoke " + user.username, "member.remove alice",
                                              "account.update account"});

    std::vector<std::string> about_user;
    read_audit_log(owner, {std::nullopt, user.id},
                   [&](const AuditEntry& entry) { about_user.push_back(entry.action); });
    CHECK(about_user.size() == 4);
}

TEST_CASE("a username collision draws a new id instead of failing", "[store]") {
    test::AccountFixture f;
    test::StuckRandom stuck;
    Session first{*f.store, "owner", f.clock, stuck};
    const auto a = create_api_user(first, {"", false, Secret{"Str0ng-enough!"}}).user;
    CHECK(a.id == "424242424242");
    // The second create draws 424242424242 again from the stuck generator; the retry must use fresh randomness.
    struct StuckThenRandom final : Random {
        test::StuckRandom stuck;
        test::FixedRandom random{5};
        int calls = 0;
        void fill(std::span<std::uint8_t> out) override {
            if (calls++ == 0) {
                stuck.fill(out);
            } else {
                random.fill(out);
            }
        }
    } mixed;
    Session second{*f.store, "owner", f.clock, mixed};
    const auto b = create_api_user(second, {"", false, Secret{"Str0ng-enough!"}}).user;
    CHECK(b.id != a.id);
    CHECK(b.id.size() == 12);
}

TEST_CASE("store failures tell a caller whether retrying can help", "[store][errors]") {
    test::Sandbox sandbox;
    test::ManualClock clock;
    test::FixedRandom random{1};
    const auto path = sandbox.dir() / "apiuser.db";
    init_account(path, test_account(), clock);

    SECTION("another process's write lock: busy, transient") {
        Store holder = Store::open(path);
        Session holding{holder, "owner", clock, random};
        holder.hold_commits();
        add_member(holding, {"first", "", false, true});  // its write transaction stays open
        Store waiter = Store::open(path, StoreOptions{.lock_timeout = std::chrono::milliseconds{0}});
        Session waiting{waiter, "owner", clock, random};
        const auto kind = kind_of([&] { add_member(waiting, {"second", "", false, true}); });
        CHECK(kind == ErrorKind::store_busy);
        CHECK(is_transient(kind));
        CHECK(is_store_failure(kind));
        holder.roll_back_held();
        CHECK_NOTHROW(add_member(waiting, {"second", "", false, true}));
    }
    SECTION("a store cut short: damaged, not transient") {
        {
            SQLite::Database db{path.string(), SQLite::OPEN_READWRITE};
            db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        fs::resize_file(path, fs::file_size(path) - 100);
        const auto kind = kind_of([&] { Store::open(path); });
        CHECK(kind == ErrorKind::store_damaged);
        CHECK_FALSE(is_transient(kind));
    }
    SECTION("a store without its account row: damaged") {
        {
            SQLite::Database db{path.string(), SQLite::OPEN_READWRITE};
            db.exec("DELETE FROM account");
        }
        Store store = Store::open(path);
        Session session{store, "owner", clock, random};
        CHECK(kind_of([&] { show_account(session); }) == ErrorKind::store_damaged);
    }
    SECTION("no store there: a permanent store error") {
        const auto kind = kind_of([&] { Store::open(sandbox.dir() / "missing.db"); });
        CHECK(kind == ErrorKind::store);
        CHECK_FALSE(is_transient(kind));
        CHECK(is_store_failure(kind));
    }
}
