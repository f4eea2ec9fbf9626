// The foundation through the real binary: init, the store's safety checks, members, permissions, the audit
// log and the exit codes.

#include <csignal>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "expect.hpp"
#include "sandbox.hpp"

using apiuser::test::describe;
using apiuser::test::ProcessOptions;
using apiuser::test::ProcessResult;
using apiuser::test::Sandbox;
using nlohmann::json;

namespace {

// One line on stderr starting "apiuser: error: " (or one JSON error object with --json), nothing on stdout.
void check_one_line_error(const ProcessResult& r, const std::vector<std::string>& args = {}) {
    apiuser::test::check_error_output(r, args, r.exit_code);
}

bool running_as_root() {
    return ::geteuid() == 0;
}

}  // namespace

TEST_CASE("init creates the store and makes the invoking user the owner", "[e2e][init]") {
    Sandbox s;
    const auto r = s.run({"init", "--company", "Acme Widgets Ltd", "--argon2", "m=8,t=1,p=1", "--json"});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    const auto account = json::parse(r.out);
    CHECK(account["company"] == "Acme Widgets Ltd");
    CHECK(account["domain"] == "apiconnector.com");
    CHECK(account["argon2"] == json{{"m", 8}, {"t", 1}, {"p", 1}});
    CHECK(account["store"] == s.store().string());
    // With --json the warning is in the document, not text on stderr.
    REQUIRE(account["warnings"].size() == 1);
    CHECK_THAT(account["warnings"][0].get<std::string>(), Catch::Contains("below the recommended"));
    CHECK(r.err.empty());
    const auto members = json::parse(s.run({"member", "list", "--json"}).out);
    REQUIRE(members.size() == 1);
    CHECK(members[0]["owner"] == true);
    CHECK(members[0]["can_manage_account"] == true);
}

TEST_CASE("init takes the domain and the owner's email", "[e2e][init]") {
    Sandbox s;
    const auto r = s.run({"init", "--company", "Acme", "--domain", "API.Acme.Example", "--owner-email",
                          "ops@acme.example", "--argon2", "m=8,t=1,p=1"});
    REQUIRE(r.exit_code == 0);
    const auto account = json::parse(s.run({"account", "show", "--json"}).out);
    CHECK(account["domain"] == "api.acme.example");
    const auto username = s.create("x");
    CHECK_THAT(username, Catch::EndsWith("@api.acme.example"));
}

TEST_CASE("init refuses to overwrite an existing store", "[e2e][init]") {
    Sandbox s;
    s.init();
    const auto before = s.store_bytes();
    const auto r = s.run({"init", "--company", "Other", "--argon2", "m=8,t=1,p=1"});
    CHECK(r.exit_code == 5);
    check_one_line_error(r);
    CHECK_THAT(r.err, Catch::Contains("already exists"));
    CHECK(s.store_bytes() == before);
}

TEST_CASE("init without --company is a usage error that creates nothing", "[e2e][init]") {
    Sandbox s;
    const auto r = s.run({"init"});
    CHECK(r.exit_code == 2);
    check_one_line_error(r);
    CHECK_THAT(r.err, Catch::Contains("--company"));
    CHECK_FALSE(std::filesystem::exists(s.store()));
}

TEST_CASE("the store is created 0600 in a 0700 directory even under umask 000", "[e2e][store]") {
    Sandbox s;
    ProcessOptions options;
    options.umask = 0;
    const auto r = s.run_with({"init", "--company", "Acme", "--argon2", "m=8,t=1,p=1"}, options);
    REQUIRE(r.exit_code == 0);
    struct stat st {};
    REQUIRE(::stat(s.store().c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    REQUIRE(::stat(s.store().parent_path().c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0700);
    // Creating an API user writes through the WAL: its side files must not be wider than the store.
    ProcessOptions create_options;
    create_options.umask = 0;
    REQUIRE(s.run_with({"create", "--generate-password"}, create_options).exit_code == 0);
    for (const auto& entry : std::filesystem::directory_iterator(s.store().parent_path())) {
        REQUIRE(::stat(entry.path().c_str(), &st) == 0);
        INFO(entry.path());
        CHECK((st.st_mode & 0077) == 0);
    }
}

TEST_CASE("a store readable or writable by others is refused with the fix", "[e2e][store]") {
    Sandbox s;
    s.init();
    ::chmod(s.store().c_str(), 0644);
    const auto before = s.store_bytes();
    const auto r = s.run({"list"});
    CHECK(r.exit_code == 1);
    check_one_line_error(r);
    CHECK_THAT(r.err, Catch::Contains("chmod o-rwx"));
    CHECK(s.store_bytes() == before);
}

TEST_CASE("a file that is not an apiuser store is refused and left untouched", "[e2e][store]") {
    Sandbox s;
    std::filesystem::create_directories(s.store().parent_path());
    {
        std::ofstream file{s.store()};
        file << "these are somebody's notes\n";
    }
    ::chmod(s.store().c_str(), 0600);
    const auto before = s.store_bytes();
    for (const auto& args : std::vector<std::vector<std::string>>{{"list"}, {"create", "--generate-password"}}) {
        const auto r = s.run(args);
        CHECK(r.exit_code == 1);
        check_one_line_error(r);
        CHECK_THAT(r.err, Catch::Contains("not an apiuser store"));
    }
    CHECK(s.store_bytes() == before);
    CHECK_FALSE(std::filesystem::exists(s.store().string() + "-wal"));
}

TEST_CASE("a store written by a newer apiuser is refused and never modified", "[e2e][store]") {
    Sandbox s;
    s.init();
    s.execute_sql("PRAGMA user_version = 42");
    const auto before = s.store_bytes();
    const auto r = s.run({"create", "--generate-password"});
    CHECK(r.exit_code == 1);
    check_one_line_error(r);
    CHECK_THAT(r.err, Catch::Contains("newer apiuser"));
    CHECK(s.store_bytes() == before);
}

TEST_CASE("a missing store says how to create one", "[e2e][store]") {
    Sandbox s;
    const auto r = s.run({"list"});
    CHECK(r.exit_code == 1);
    check_one_line_error(r);
    CHECK_THAT(r.err, Catch::Contains("apiuser init"));
}

TEST_CASE("the --store option overrides APIUSER_STORE", "[e2e][store]") {
    Sandbox s;
    const auto other = (s.dir() / "elsewhere.db").string();
    REQUIRE(s.run({"--store", other, "init", "--company", "Acme", "--argon2", "m=8,t=1,p=1"}).exit_code == 0);
    CHECK(std::filesystem::exists(other));
    CHECK_FALSE(std::filesystem::exists(s.store()));
    // Global options may follow the command, too.
    CHECK(s.run({"list", "--store", other}).exit_code == 0);
}

TEST_CASE("without APIUSER_STORE the store lives under XDG_DATA_HOME, else ~/.local/share", "[e2e][store]") {
    Sandbox s;
    ProcessOptions options;
    options.env = s.environment();
    options.env.erase("APIUSER_STORE");
    options.env["XDG_DATA_HOME"] = (s.dir() / "xdg").string();
    REQUIRE(s.run_with({"init", "--company", "Acme", "--argon2", "m=8,t=1,p=1"}, options).exit_code == 0);
    CHECK(std::filesystem::exists(s.dir() / "xdg" / "apiuser" / "apiuser.db"));
    options.env.erase("XDG_DATA_HOME");
    REQUIRE(s.run_with({"init", "--company", "Acme", "--argon2", "m=8,t=1,p=1"}, options).exit_code == 0);
    CHECK(std::filesystem::exists(s.dir() / ".local" / "share" / "apiuser" / "apiuser.db"));
}

TEST_CASE("members: add, set, list and remove, with their audit rows", "[e2e][members]") {
    if (!running_as_root()) {
        WARN("skipped: needs root for --as");
        return;
    }
    Sandbox s;
    s.init();
    auto r = s.run({"member", "add", "alice", "--email", "alice@acme.example", "--allow-unknown-login", "--json"});
    REQUIRE(r.exit_code == 0);
    auto alice = json::parse(r.out);
    CHECK(alice["login"] == "alice");
    CHECK(alice["email"] == "alice@acme.example");
    CHECK(alice["can_manage_account"] == false);

    r = s.run({"member", "add", "alice", "--allow-unknown-login"});
    CHECK(r.exit_code == 5);
    check_one_line_error(r);

    r = s.run({"member", "set", "alice", "--manage-account", "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["changed"] == true);
    r = s.run({"member", "set", "alice", "--manage-account", "--json"});
    CHECK(json::parse(r.out)["changed"] == false);

    r = s.run({"member", "set", "nobody-here", "--manage-account"});
    CHECK(r.exit_code == 3);
    check_one_line_error(r);

    r = s.run({"member", "set", "root", "--no-manage-account"});
    CHECK(r.exit_code == 5);
    check_one_line_error(r);
    r = s.run({"member", "remove", "root"});
    CHECK(r.exit_code == 5);

    r = s.run({"member", "set", "alice"});
    CHECK(r.exit_code == 2);
    check_one_line_error(r);

    const std::string too_long(256, 'a');
    for (const std::string bad : {"-x", "with space", "semi;colon", "", "a/b", "@a", "a@", too_long.c_str()}) {
        INFO(bad);
        r = s.run({"member", "add", "--allow-unknown-login", "--", bad});
        CHECK(r.exit_code == 2);
    }

    REQUIRE(s.run({"member", "remove", "alice"}).exit_code == 0);
    const auto members = json::parse(s.run({"member", "list", "--json"}).out);
    CHECK(members.size() == 1);

    const auto log = json::parse(s.run({"log", "--json", "--target", "alice"}).out);
    REQUIRE(log.size() == 3);
    CHECK(log[0]["action"] == "member.add");
    CHECK(log[1]["action"] == "member.set");
    CHECK(log[1]["details"]["can_manage_account"] == true);
    CHECK(log[2]["action"] == "member.remove");
    for (const auto& entry : log) {
        CHECK(entry["actor"] == "root");
    }
}

TEST_CASE("owner, admin, plain member and stranger: who may run each command", "[e2e][permissions]") {
    if (!running_as_root()) {
        WARN("skipped: needs root for --as");
        return;
    }
    Sandbox s;
    s.init();
    s.add_member("admin", true);
    s.add_member("plain", false);
    const auto user = s.create("Magento Production");
    const auto other = s.create("Dynamics CRM");
    s.add_member("victim", false);

    struct Case {
        std::vector<std::string> args;
        bool is_change;
    };
    const std::vector<Case> cases{
        {{"list"}, false},
        {{"list", "--json"}, false},
        {{"describe", user}, false},
        {{"log"}, false},
        {{"member", "list"}, false},
        {{"account", "show"}, false},
        {{"create", "--generate-password"}, true},
        {{"describe", user, "--description", "changed"}, true},
        {{"disable", user}, true},
        {{"enable", other}, true},
        {{"revoke", "--yes", other}, true},
        {{"member", "add", "newcomer", "--allow-unknown-login"}, true},
        {{"member", "set", "victim", "--manage-account"}, true},
        {{"member", "remove", "victim"}, true},
        {{"account", "set", "--company", "Renamed Ltd"}, true},
    };
    for (const auto& c : cases) {
        for (const std::string& who : std::vector<std::string>{"plain", "stranger"}) {
            if (who == "plain" && !c.is_change) {
                continue;
            }
            std::vector<std::string> args{"--as", who};
            args.insert(args.end(), c.args.begin(), c.args.end());
            const auto before = s.dump();
            const auto r = s.run(args);
            INFO(who << " " << c.args.front() << "\n" << describe(r));
            CHECK(r.exit_code == 7);
            check_one_line_error(r, args);
            CHECK_THAT(r.err, Catch::Contains("permission denied"));
            CHECK(s.dump() == before);
        }
    }
    // What the plain member may do: read.
    for (const auto& c : cases) {
        if (c.is_change) {
            continue;
        }
        std::vector<std::string> args{"--as", "plain"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        const auto r = s.run(args);
        INFO(describe(r));
        CHECK(r.exit_code == 0);
    }
    // The admin may do everything; the owner too (each case once, in order).
    for (const std::string& who : std::vector<std::string>{"admin", "root"}) {
        Sandbox fresh;
        fresh.init();
        fresh.add_member("admin", true);
        fresh.add_member("victim", false);
        const auto u = fresh.create("Magento Production");
        const auto o = fresh.create("Dynamics CRM", {"--disabled"});
        for (const auto& c : cases) {
            std::vector<std::string> args{"--as", who};
            for (const auto& a : c.args) {
                args.push_back(a == user ? u : a == other ? o : a);
            }
            const auto r = fresh.run(args);
            INFO(who << "\n" << describe(r));
            CHECK(r.exit_code == 0);
        }
    }
}

TEST_CASE("the --as option is refused to anyone but root, before the store is touched", "[e2e][permissions]") {
    if (!running_as_root()) {
        WARN("skipped: needs root to run a command as another uid");
        return;
    }
    Sandbox s;
    ::chmod(s.dir().c_str(), 0755);
    ProcessOptions options;
    options.uid = 65534;  // nobody
    const auto r = s.run_with({"--as", "root", "list"}, options);
    CHECK(r.exit_code == 7);
    check_one_line_error(r);
    CHECK_THAT(r.err, Catch::Contains("only root"));
}

TEST_CASE("a store the user may not reach: 'Permission denied' comes with a hint", "[e2e][store]") {
    if (!running_as_root()) {
        WARN("skipped: needs root to run a command as another uid");
        return;
    }
    Sandbox s;
    s.init();
    ::chmod(s.dir().c_str(), 0755);
    const auto locked = s.dir() / "locked";
    REQUIRE(::mkdir(locked.c_str(), 0700) == 0);
    ProcessOptions options;
    options.uid = 65534;  // nobody
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--store", (locked / "apiuser.db").string(), "list"},
             {"--store", (locked / "apiuser.db").string(), "init", "--company", "X"}}) {
        const auto r = s.run_with(args, options);
        INFO(describe(r));
        CHECK(r.exit_code == 1);
        check_one_line_error(r);
        CHECK_THAT(r.err, Catch::Contains("Permission denied; "));
    }
}

TEST_CASE("the --as option is decided by real privilege: root of a user namespace is refused", "[e2e][permissions]") {
    Sandbox s;
    s.init();
    ProcessOptions options;
    options.env = s.environment();
    const auto probe = apiuser::test::run_process({"/usr/bin/unshare", "-r", "/bin/true"}, options);
    if (probe.exit_code != 0) {
        WARN("skipped: unprivileged user namespaces are not available here");
        return;
    }
    s.add_member("alice", true);
    if (running_as_root()) {
        CHECK(s.run({"--as", "alice", "list"}).exit_code == 0);  // root of the system may
    }
    // Anyone may become "root" of a user namespace of their own: that makes nobody privileged.
    const auto r = apiuser::test::run_process(
        {"/usr/bin/unshare", "-r", apiuser::test::apiuser_binary(), "--as", "alice", "list"}, options);
    INFO(describe(r));
    CHECK(r.exit_code == 7);
    check_one_line_error(r);
    CHECK_THAT(r.err, Catch::Contains("only root"));
}

TEST_CASE("the --as option naming yourself needs no privilege", "[e2e][permissions]") {
    if (!running_as_root()) {
        WARN("skipped: needs root to run a command as another uid");
        return;
    }
    Sandbox s;
    REQUIRE(::chown(s.dir().c_str(), 65534, 65534) == 0);
    ProcessOptions options;
    options.uid = 65534;  // nobody
    REQUIRE(
        s.run_with({"init", "--company", "Nobody Ltd", "--argon2", apiuser::test::fast_argon2}, options).exit_code ==
        0);
    const auto r = s.run_with({"--as", "nobody", "list"}, options);
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(s.run_with({"--as", "root", "list"}, options).exit_code == 7);
}

TEST_CASE("member add refuses a login this system does not know, unless added ahead of time on purpose",
          "[e2e][members]") {
    Sandbox s;
    s.init();
    const auto before = s.dump();
    auto r = s.run({"member", "add", "daemno"});
    INFO(describe(r));
    CHECK(r.exit_code == 2);
    check_one_line_error(r);
    CHECK_THAT(r.err, Catch::Contains("no login 'daemno'") && Catch::Contains("--allow-unknown-login"));
    CHECK(s.dump() == before);
    CHECK(s.run({"member", "add", "daemon"}).exit_code == 0);
    CHECK(s.run({"member", "add", "newcomer", "--allow-unknown-login"}).exit_code == 0);
    const auto members = json::parse(s.run({"member", "list", "--json"}).out);
    CHECK(members.size() == 3);
}

TEST_CASE("logins with '@', as SSSD and Active Directory name domain users, are accepted", "[e2e][members]") {
    if (!running_as_root()) {
        WARN("skipped: needs root for --as");
        return;
    }
    Sandbox s;
    s.init();
    const std::string login = "dave.smith-jones@corp.example.com";  // 33 characters, longer than a local login
    auto r = s.run({"member", "add", login, "--allow-unknown-login", "--manage-account"});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    r = s.run({"--as", login, "create", "--generate-password", "--json"});
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(json::parse(r.out)["created_by"] == login);
    for (const char* bad : {"@corp.example", "dave@", "da ve@corp.example"}) {
        INFO(bad);
        CHECK(s.run({"member", "add", "--allow-unknown-login", "--", bad}).exit_code == 2);
    }
}

TEST_CASE("unknown commands and options are usage errors", "[e2e][usage]") {
    Sandbox s;
    s.init();
    for (const auto& args : std::vector<std::vector<std::string>>{{"frobnicate"},
                                                                  {"list", "--bogus"},
                                                                  {"list", "--status", "sleeping"},
                                                                  {"describe"},
                                                                  {"enable"},
                                                                  {"member", "add"},
                                                                  {"log", "--since", "yesterday"},
                                                                  {"create", "extra-argument"}}) {
        const auto before = s.dump();
        const auto r = s.run(args);
        INFO(args.front() << "\n" << describe(r));
        CHECK(r.exit_code == 2);
        check_one_line_error(r);
        CHECK(s.dump() == before);
    }
}

TEST_CASE("help and version", "[e2e][usage]") {
    Sandbox s;
    auto r = s.run({"--help"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("API users:") && Catch::Contains("create"));
    r = s.run({});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage:"));
    r = s.run({"--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("apiuser ", 0) == 0);
    r = s.run({"--version", "--verbose"});
    CHECK_THAT(r.out, Catch::Contains("SQLite") && Catch::Contains("Botan") && Catch::Contains("CLI11"));
    r = s.run({"help", "create"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("--generate-password") && Catch::Contains("Example:"));
    r = s.run({"member"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("add") && Catch::Contains("remove"));
}
