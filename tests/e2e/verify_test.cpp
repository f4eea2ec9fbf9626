// verify, passwd and account settings through the real binary.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "expect.hpp"
#include "pty.hpp"
#include "sandbox.hpp"

using apiuser::test::check_error_output;
using apiuser::test::describe;
using apiuser::test::lines_of;
using apiuser::test::ProcessResult;
using apiuser::test::PtySession;
using apiuser::test::Sandbox;
using nlohmann::json;

namespace {

constexpr const char* password = "Str0ng-enough!";

std::string create_with_password(const Sandbox& s, const std::string& pw, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"create", "--password-stdin", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = s.run(args, pw + "\n");
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    return lines_of(r.out).at(0);
}

ProcessResult verify(const Sandbox& s, const std::string& username, const std::string& pw,
                     const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"verify", username, "--password-stdin"};
    args.insert(args.end(), extra.begin(), extra.end());
    return s.run(args, pw + "\n");
}

json describe_json(const Sandbox& s, const std::string& username) {
    const auto r = s.run({"describe", username, "--json"});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

bool running_as_root() {
    return ::geteuid() == 0;
}

}  // namespace

TEST_CASE("verify: exit 0 for the right password, and the same exit 6 and message for every failure", "[e2e][verify]") {
    Sandbox s;
    s.init();
    const auto good = create_with_password(s, password);
    const auto disabled = create_with_password(s, password, {"--disabled"});
    const auto revoked = create_with_password(s, password);
    REQUIRE(s.run({"revoke", "--yes", revoked}).exit_code == 0);

    auto r = verify(s, good, password);
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.out == good + ": authenticated\n");
    CHECK(verify(s, good, password, {"--quiet"}).out.empty());
    CHECK(json::parse(verify(s, good, password, {"--json"}).out)["authenticated"] == true);

    const std::vector<std::pair<std::string, std::string>> failures{
        {good, "Str0ng-enough?"},     {disabled, password},
        {revoked, password},          {"apiuser-000000000000@apiconnector.com", password},
        {"not-a-username", password},
    };
    for (const auto& [username, attempt] : failures) {
        r = verify(s, username, attempt);
        INFO(username << "\n" << describe(r));
        CHECK(r.exit_code == 6);
        CHECK(r.err == "apiuser: error: authentication failed\n");
        CHECK(r.out.empty());
    }
    // The true reasons are in the audit log, never shown to the caller.
    const auto log = json::parse(s.run({"log", "--json"}).out);
    std::vector<std::string> reasons;
    for (const auto& entry : log) {
        if (entry["action"] == "api_user.authentication_failed") {
            reasons.push_back(entry["details"]["reason"]);
        }
    }
    CHECK(reasons == std::vector<std::string>{"wrong_password", "disabled", "revoked", "unknown_user", "unknown_user"});
}

TEST_CASE("verify with the fields swapped never puts the password in the audit log", "[e2e][verify]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    const auto r = verify(s, password, user);
    INFO(describe(r));
    CHECK(r.exit_code == 6);
    const auto log = s.run({"log", "--json"});
    REQUIRE(log.exit_code == 0);
    CHECK(log.out.find(password) == std::string::npos);
    CHECK(s.run({"log"}).out.find(password) == std::string::npos);
    const auto unknown = json::parse(s.run({"log", "--json", "--target", "unknown"}).out);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0]["details"]["reason"] == "unknown_user");
    CHECK(unknown[0]["details"]["name_length"] == std::string_view{password}.size());
}

TEST_CASE("verify needs access to the store file, not membership", "[e2e][verify]") {
    if (!running_as_root()) {
        WARN("skipped: needs root for --as");
        return;
    }
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    CHECK(s.run({"--as", "stranger", "list"}).exit_code == 7);
    const auto r = s.run({"--as", "stranger", "verify", user, "--password-stdin"}, std::string{password} + "\n");
    CHECK(r.exit_code == 0);
}

TEST_CASE("verify records last use and counts failures, shown by describe and list", "[e2e][verify]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    CHECK(describe_json(s, user)["last_used_at"].is_null());
    CHECK_THAT(s.run({"describe", user}).out, Catch::Contains("never"));
    verify(s, user, "wrong-guess-1");
    verify(s, user, "wrong-guess-2");
    CHECK(describe_json(s, user)["failed_attempts"] == 2);
    CHECK_THAT(s.run({"describe", user}).out, Catch::Contains("2 since the last success"));
    REQUIRE(verify(s, user, password).exit_code == 0);
    const auto shown = describe_json(s, user);
    CHECK(shown["failed_attempts"] == 0);
    CHECK(shown["last_used_at"].is_string());
    CHECK_THAT(s.run({"list"}).out, Catch::Contains(shown["last_used_at"].get<std::string>()));
}

TEST_CASE("verify reports a damaged stored hash as a store error, exit 1", "[e2e][verify]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    s.execute_sql(
        "UPDATE api_users SET password_hash = '$argon2id$v=19$m=4294967295,t=2,p=1$"
        "MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8'");
    const auto r = verify(s, user, password);
    check_error_output(r, {}, 1);
    CHECK_THAT(r.err, Catch::Contains("stored credential for " + user + " is damaged"));
}

TEST_CASE("verify tells a broken setup from a wrong password: no store is exit 1, a usage error 2", "[e2e][verify]") {
    Sandbox s;  // no store at all
    auto r =
        s.run({"verify", "apiuser-3f9a1c2b7d4e@apiconnector.com", "--password-stdin"}, std::string{password} + "\n");
    check_error_output(r, {}, 1);
    CHECK_THAT(r.err, Catch::Contains("no store"));
    r = s.run({"verify", "--password-stdin"}, std::string{password} + "\n");
    check_error_output(r, {}, 2);
}

TEST_CASE("verify without a password source and without a terminal fails at once", "[e2e][verify]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    const auto r = s.run({"verify", user});
    check_error_output(r, {}, 2);
    CHECK_THAT(r.err, Catch::Contains("--password-stdin"));
    check_error_output(s.run({"verify", user, "--generate-password"}), {}, 2);
}

TEST_CASE("verify on a terminal asks once, with echo off", "[e2e][verify][pty]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    PtySession pty{{apiuser::test::apiuser_binary(), "verify", user}, s.environment()};
    REQUIRE(pty.expect("Password: "));
    CHECK_FALSE(pty.echo_on());
    pty.send(std::string{password} + "\n");
    CHECK(pty.wait() == 0);
    CHECK(pty.output().find("Confirm") == std::string::npos);
    CHECK(pty.output().find(password) == std::string::npos);
}

TEST_CASE("passwd with an overlap keeps the old password working and describe shows the deadline", "[e2e][passwd]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    auto r = s.run({"passwd", user, "--generate-password", "--keep-old-for", "24h", "--json"});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    const auto changed = json::parse(r.out);
    const auto new_password = changed["password"].get<std::string>();
    CHECK(new_password.size() >= 20);
    CHECK(changed["previous_password_expires_at"].is_string());
    CHECK(verify(s, user, password).exit_code == 0);
    CHECK(verify(s, user, new_password).exit_code == 0);
    CHECK_THAT(s.run({"describe", user}).out,
               Catch::Contains("still accepted until " + changed["previous_password_expires_at"].get<std::string>()));
    const auto log = json::parse(s.run({"log", "--json", "--target", user}).out);
    CHECK(log.back()["action"] == "api_user.passwd");
    CHECK(log.back()["details"]["keep_old_until"] == changed["previous_password_expires_at"]);
    CHECK(s.store_bytes().find(new_password) == std::string::npos);

    // Without an overlap the old one stops at once.
    r = s.run({"passwd", user, "--password-stdin", "--quiet"}, "Th1rd-secret-here\n");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(verify(s, user, new_password).exit_code == 6);
    CHECK(verify(s, user, password).exit_code == 6);
    CHECK(verify(s, user, "Th1rd-secret-here").exit_code == 0);
    CHECK(describe_json(s, user)["previous_password_expires_at"].is_null());
}

TEST_CASE("passwd refusals: bad durations, same password, policy, revoked users, unknown users", "[e2e][passwd]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    const auto revoked = create_with_password(s, password);
    REQUIRE(s.run({"revoke", "--yes", revoked}).exit_code == 0);
    struct Case {
        std::vector<std::string> args;
        std::string input;
        int exit_code;
    };
    const std::vector<Case> cases{
        {{"passwd", user, "--password-stdin", "--keep-old-for", "31d"}, "Fresh-s3cret!\n", 2},
        {{"passwd", user, "--password-stdin", "--keep-old-for", "0s"}, "Fresh-s3cret!\n", 2},
        {{"passwd", user, "--password-stdin", "--keep-old-for", "1w"}, "Fresh-s3cret!\n", 2},
        {{"passwd", user, "--password-stdin", "--keep-old-for", "-5m"}, "Fresh-s3cret!\n", 2},
        {{"passwd", user, "--password-stdin", "--keep-old-for", "24"}, "Fresh-s3cret!\n", 2},
        {{"passwd", user, "--password-stdin"}, std::string{password} + "\n", 4},
        {{"passwd", user, "--password-stdin"}, "short\n", 4},
        {{"passwd", user, "--password-stdin", "--json"}, "short\n", 4},
        {{"passwd", revoked, "--password-stdin"}, "Fresh-s3cret!\n", 5},
        {{"passwd", "000000000000", "--password-stdin"}, "Fresh-s3cret!\n", 3},
        {{"passwd", user}, "", 2},
        {{"passwd", user, "--generate-password", "--password-stdin"}, "Fresh-s3cret!\n", 2},
    };
    for (const auto& c : cases) {
        const auto before = s.store_bytes();
        const auto r = s.run(c.args, c.input);
        INFO(c.args.back());
        check_error_output(r, c.args, c.exit_code);
        CHECK(s.store_bytes() == before);
    }
    CHECK(s.run({"passwd", user, "--password-stdin", "--keep-old-for", "30d"}, "Fresh-s3cret!\n").exit_code == 0);
    // --dry-run writes nothing.
    const auto before = s.store_bytes();
    CHECK(s.run({"passwd", user, "--dry-run", "--password-stdin"}, "Another-s3cret!\n").exit_code == 0);
    CHECK(s.store_bytes() == before);
}

TEST_CASE("passwd --dry-run reports the deadline and hash it would set", "[e2e][passwd]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    const auto before = s.store_bytes();
    auto r = s.run({"passwd", user, "--dry-run", "--generate-password", "--keep-old-for", "1h", "--json"});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    const auto would = json::parse(r.out);
    CHECK(would["dry_run"] == true);
    CHECK(would["username"] == user);
    CHECK_FALSE(would.contains("password"));
    REQUIRE(would["previous_password_expires_at"].is_string());
    // Later than the (would-be) change, which is also when it says the user was updated.
    const auto updated = would["updated_at"].get<std::string>();
    const auto expires = would["previous_password_expires_at"].get<std::string>();
    CHECK(expires > updated);
    r = s.run({"passwd", user, "--dry-run", "--generate-password", "--keep-old-for", "1h"});
    INFO(describe(r));
    CHECK_THAT(r.out, Catch::StartsWith("Would change the password of " + user) &&
                          Catch::Contains("The old password would keep working until " + expires.substr(0, 13)));
    r = s.run({"passwd", user, "--dry-run", "--generate-password", "--quiet"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("dry run"));
    CHECK(s.store_bytes() == before);
}

TEST_CASE("passwd needs the admin permission", "[e2e][passwd]") {
    if (!running_as_root()) {
        WARN("skipped: needs root for --as");
        return;
    }
    Sandbox s;
    s.init();
    s.add_member("plain", false);
    const auto user = create_with_password(s, password);
    const auto before = s.store_bytes();
    const auto r = s.run({"--as", "plain", "passwd", user, "--password-stdin"}, "Fresh-s3cret!\n");
    check_error_output(r, {}, 7);
    CHECK(s.store_bytes() == before);
}

TEST_CASE("account set raises the Argon2 cost, and verify upgrades old hashes", "[e2e][account]") {
    Sandbox s;
    s.init();
    const auto user = create_with_password(s, password);
    auto r = s.run({"account", "set", "--argon2", "m=64,t=2,p=1", "--json"});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["argon2"] == json{{"m", 64}, {"t", 2}, {"p", 1}});
    CHECK(describe_json(s, user)["hash"]["m"] == 8);
    REQUIRE(verify(s, user, password).exit_code == 0);
    CHECK(describe_json(s, user)["hash"] == json{{"scheme", "argon2id"}, {"m", 64}, {"t", 2}, {"p", 1}});
    CHECK(verify(s, user, password).exit_code == 0);
    // New users get the new cost.
    const auto newer = create_with_password(s, password);
    CHECK(describe_json(s, newer)["hash"]["m"] == 64);

    r = s.run({"account", "set", "--company", "Renamed Widgets PLC"});
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(s.run({"account", "show", "--json"}).out)["company"] == "Renamed Widgets PLC");
    for (const auto& bad : std::vector<std::vector<std::string>>{{"account", "set"},
                                                                 {"account", "set", "--argon2", "m=1,t=1,p=1"},
                                                                 {"account", "set", "--argon2", "fast"},
                                                                 {"account", "set", "--company", ""},
                                                                 {"account", "set", "--company", "bad\ncompany"}}) {
        const auto before = s.store_bytes();
        check_error_output(s.run(bad), bad, 2);
        CHECK(s.store_bytes() == before);
    }
}

TEST_CASE("account set refuses Argon2 parameters above the budget unless --force, and warns above the recommended",
          "[e2e][account]") {
    Sandbox s;
    s.init();
    const auto before = s.store_bytes();
    const std::vector<std::string> gigabyte{"account", "set", "--argon2", "m=1048576,t=100,p=1"};
    check_error_output(s.run(gigabyte), gigabyte, 2);
    const std::vector<std::string> long_work{"account", "set", "--argon2", "m=262144,t=5,p=1"};
    check_error_output(s.run(long_work), long_work, 2);
    CHECK(s.store_bytes() == before);

    auto forced = gigabyte;
    forced.push_back("--force");
    auto r = s.run(forced);
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning") != std::string::npos);
    CHECK(json::parse(s.run({"account", "show", "--json"}).out)["argon2"] ==
          json{{"m", 1048576}, {"t", 100}, {"p", 1}});

    r = s.run({"account", "set", "--argon2", "m=65536,t=3,p=1"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning") != std::string::npos);
    CHECK(r.err.find("per attempt") != std::string::npos);
    r = s.run({"account", "set", "--argon2", "m=19456,t=2,p=1"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
}

TEST_CASE("init holds --argon2 to the same budget as account set: no store above it unless --force",
          "[e2e][account][init]") {
    Sandbox s;
    const std::vector<std::string> gigabyte{"init", "--company", "Acme Widgets Ltd", "--argon2", "m=1048576,t=100,p=1"};
    check_error_output(s.run(gigabyte), gigabyte, 2);
    CHECK_FALSE(std::filesystem::exists(s.store()));

    auto forced = gigabyte;
    forced.push_back("--force");
    const auto r = s.run(forced);
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("per attempt") != std::string::npos);
    CHECK(json::parse(s.run({"account", "show", "--json"}).out)["argon2"] ==
          json{{"m", 1048576}, {"t", 100}, {"p", 1}});
}
