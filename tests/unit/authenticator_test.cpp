#include <algorithm>
#include <atomic>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <apiuser/account.hpp>
#include <apiuser/api_users.hpp>
#include <apiuser/argon2_cost.hpp>
#include <apiuser/audit_log.hpp>
#include <apiuser/authenticator.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/password_policy.hpp>
#include <apiuser/password_rotation.hpp>
#include <apiuser/store.hpp>

#include "account_fixture.hpp"
#include "error_kind.hpp"
#include "fixed_random.hpp"
#include "manual_clock.hpp"
#include "sandbox.hpp"

using namespace apiuser;
using apiuser::test::kind_of;
using namespace std::chrono_literals;

namespace {

constexpr const char* first_password = "Str0ng-enough!";

// A store with one owner and one enabled API user, and an Authenticator on it sharing the manual clock.
struct Fixture : test::AccountFixture {
    std::string username;

    Fixture() { username = create_api_user(*owner, {"API server", false, Secret{first_password}}).user.username; }

    Authenticator authenticator() { return Authenticator{path, {{}, "test-server", &clock}}; }

    ApiUser user() { return describe_api_user(*owner, username); }

    std::vector<AuditEntry> log_of(const std::string& target) {
        std::vector<AuditEntry> entries;
        read_audit_log(*owner, {std::nullopt, target}, [&](const AuditEntry& e) { entries.push_back(e); });
        return entries;
    }

    void rotate(const std::string& password, std::optional<std::chrono::seconds> keep = std::nullopt) {
        change_password(*owner, username, {Secret{password}, keep});
    }
};

}  // namespace

TEST_CASE("the right password authenticates, each failure says why, for the server's logs only", "[authenticator]") {
    Fixture f;
    auto auth = f.authenticator();
    const auto ok = auth.authenticate(f.username, first_password);
    CHECK(ok);
    CHECK(ok.outcome == AuthenticationOutcome::success);
    CHECK(ok.username == f.username);
    // Any case, or the bare id.
    std::string upper = f.username;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    CHECK(auth.authenticate(upper, first_password));
    CHECK(auth.authenticate(f.username.substr(8, 12), first_password));

    CHECK(auth.authenticate(f.username, "Str0ng-enough?").outcome == AuthenticationOutcome::wrong_password);
    CHECK(auth.authenticate(f.username, "").outcome == AuthenticationOutcome::wrong_password);
    CHECK(auth.authenticate(f.username, "\xff\xfe invalid").outcome == AuthenticationOutcome::wrong_password);
    CHECK(auth.authenticate("apiuser-000000000000@apiconnector.com", first_password).outcome ==
          AuthenticationOutcome::unknown_user);
    CHECK(auth.authenticate("not even a name", first_password).outcome == AuthenticationOutcome::unknown_user);

    const std::vector<std::string> names{f.username};
    set_enabled(*f.owner, names, false);
    CHECK(auth.authenticate(f.username, first_password).outcome == AuthenticationOutcome::disabled);
    set_enabled(*f.owner, names, true);
    revoke(*f.owner, names);
    const auto revoked = auth.authenticate(f.username, first_password);
    CHECK(revoked.outcome == AuthenticationOutcome::revoked);
    CHECK_FALSE(revoked);

    std::vector<std::string> reasons;
    for (const auto& entry : f.log_of(f.username)) {
        if (entry.action == "api_user.authentication_failed") {
            CHECK(entry.actor == "test-server");
            reasons.push_back(entry.details);
        }
    }
    CHECK(reasons == std::vector<std::string>{R"({"reason":"wrong_password"})", R"({"reason":"wrong_password"})",
                                              R"({"reason":"wrong_password"})", R"({"reason":"disabled"})",
                                              R"({"reason":"revoked"})"});
    CHECK(f.log_of("apiuser-000000000000@apiconnector.com").empty());
    CHECK(f.log_of("unknown").size() == 2);
}

TEST_CASE("a name that is no API user is never logged, only its length and a keyed fingerprint", "[authenticator]") {
    Fixture f;
    auto auth = f.authenticator();
    // A client that swaps the fields sends the password as the username.
    CHECK(auth.authenticate(first_password, f.username).outcome == AuthenticationOutcome::unknown_user);
    CHECK(auth.authenticate(first_password, f.username).outcome == AuthenticationOutcome::unknown_user);
    CHECK(auth.authenticate("Another-s3cret!", f.username).outcome == AuthenticationOutcome::unknown_user);
    std::vector<AuditEntry> all;
    read_audit_log(*f.owner, {}, [&](const AuditEntry& e) { all.push_back(e); });
    for (const auto& entry : all) {
        CHECK(entry.target.find("s3cret") == std::string::npos);
        CHECK(entry.details.find("s3cret") == std::string::npos);
        CHECK(entry.target.find(first_password) == std::string::npos);
        CHECK(entry.details.find(first_password) == std::string::npos);
    }
    const auto unknown = f.log_of("unknown");
    REQUIRE(unknown.size() == 3);
    const auto details = [&](std::size_t i) { return nlohmann::json::parse(unknown[i].details); };
    CHECK(details(0)["reason"] == "unknown_user");
    CHECK(details(0)["name_length"] == std::string_view{first_password}.size());
    CHECK(details(0)["name_fingerprint"].get<std::string>().size() == 8);
    // The same name gives the same fingerprint under one Authenticator, so that repeated attempts can be told
    // apart from a spread; another name gives another.
    CHECK(details(0)["name_fingerprint"] == details(1)["name_fingerprint"]);
    CHECK(details(0)["name_fingerprint"] != details(2)["name_fingerprint"]);
    // A name that resolves is logged by its canonical form.
    std::string upper = f.username;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    auth.authenticate(upper, "wrong-guess-1");
    CHECK(f.log_of(f.username).back().action == "api_user.authentication_failed");
}

TEST_CASE("NFKC normalisation: the same password typed differently verifies", "[authenticator]") {
    Fixture f;
    // "é" composed at creation; decomposed (e + U+0301) and fullwidth digits at verification.
    f.rotate("caf\xc3\xa9-123-long");
    auto auth = f.authenticator();
    CHECK(auth.authenticate(f.username, "cafe\xcc\x81-123-long"));
    CHECK(auth.authenticate(f.username, "caf\xc3\xa9-\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93-long"));
}

TEST_CASE("last used is written at most once a minute per user", "[authenticator]") {
    Fixture f;
    auto auth = f.authenticator();
    CHECK_FALSE(f.user().last_used_at);
    const auto t0 = f.clock.now();
    REQUIRE(auth.authenticate(f.username, first_password));
    CHECK(f.user().last_used_at == t0);
    f.clock.advance(59s);
    REQUIRE(auth.authenticate(f.username, first_password));
    CHECK(f.user().last_used_at == t0);
    f.clock.advance(1s);
    REQUIRE(auth.authenticate(f.username, first_password));
    CHECK(f.user().last_used_at == t0 + 60s);
}

TEST_CASE("consecutive failures are counted until the next success", "[authenticator]") {
    Fixture f;
    auto auth = f.authenticator();
    for (int i = 1; i <= 3; ++i) {
        auth.authenticate(f.username, "wrong-guess-1");
        CHECK(f.user().failed_attempts == i);
    }
    REQUIRE(auth.authenticate(f.username, first_password));
    CHECK(f.user().failed_attempts == 0);
}

TEST_CASE("update_account refuses Argon2 parameters above the budget unless forced, and changes nothing",
          "[authenticator][budget]") {
    Fixture f;
    const auto before = show_account(*f.owner).argon2;
    AccountChanges changes{std::nullopt, Argon2Params{1048576, 100, 1}};
    CHECK(kind_of([&] { update_account(*f.owner, changes); }) == ErrorKind::invalid_input);
    CHECK(show_account(*f.owner).argon2 == before);
    changes.force_argon2 = true;
    CHECK(update_account(*f.owner, changes).argon2 == Argon2Params{1048576, 100, 1});
}

TEST_CASE("a hash weaker than the store's setting is upgraded on success", "[authenticator]") {
    Fixture f;
    update_account(*f.owner, {std::nullopt, Argon2Params{32, 2, 1}});
    CHECK(f.user().hash->params == Argon2Params{8, 1, 1});
    auto auth = f.authenticator();
    CHECK_FALSE(auth.authenticate(f.username, "wrong-guess-1"));
    CHECK(f.user().hash->params == Argon2Params{8, 1, 1});  // only a success may rehash
    REQUIRE(auth.authenticate(f.username, first_password));
    CHECK(f.user().hash->params == Argon2Params{32, 2, 1});
    CHECK(auth.authenticate(f.username, first_password));
    const auto log = f.log_of(f.username);
    CHECK(log.back().action == "api_user.rehash");
    CHECK(log.back().details == R"({"from":"m=8,t=1,p=1","to":"m=32,t=2,p=1"})");
    // Costlier hashes are rehashed too when the setting is lowered, so that none stands out by its cost.
    update_account(*f.owner, {std::nullopt, Argon2Params{8, 1, 1}});
    REQUIRE(auth.authenticate(f.username, first_password));
    CHECK(f.user().hash->params == Argon2Params{8, 1, 1});
}

TEST_CASE("the lanes are part of the parameters a hash is upgraded to", "[authenticator]") {
    Fixture f;
    update_account(*f.owner, {std::nullopt, Argon2Params{16, 1, 1}});
    f.rotate("Second-s3cret!");
    REQUIRE(f.user().hash->params == Argon2Params{16, 1, 1});
    update_account(*f.owner, {std::nullopt, Argon2Params{16, 1, 2}});
    auto auth = f.authenticator();
    REQUIRE(auth.authenticate(f.username, "Second-s3cret!"));
    CHECK(f.user().hash->params == Argon2Params{16, 1, 2});
}

TEST_CASE("every outcome does the Argon2 work of one check with the current parameters", "[authenticator]") {
    Fixture f;  // its hashes use m=8,t=1,p=1
    const auto create = [&](bool disabled) {
        return create_api_user(*f.owner, {"", disabled, Secret{first_password}}).user.username;
    };
    const auto old_hash = f.username;
    const auto old_disabled = create(true);
    const auto damaged = create(false);
    {
        SQLite::Database db{f.path.string(), SQLite::OPEN_READWRITE};
        SQLite::Statement update{db, "UPDATE api_users SET password_hash = 'garbage' WHERE username = ?"};
        update.bind(1, damaged);
        update.exec();
    }
    const Argon2Params current{64, 2, 1};
    update_account(*f.owner, {std::nullopt, current});
    const auto new_hash = create(false);
    const auto new_disabled = create(true);
    const auto revoked = create(false);
    revoke(*f.owner, std::vector<std::string>{revoked});

    std::vector<Argon2Params> runs;
    Authenticator auth{f.path, {{}, "test-server", &f.clock, [&](const Argon2Params& p) { runs.push_back(p); }}};
    const auto work_of = [&](const std::string& username, const char* password, AuthenticationOutcome expected) {
        runs.clear();
        CHECK(auth.authenticate(username, password).outcome == expected);
        std::uint64_t work = 0;
        for (const auto& params : runs) {
            work += argon2_work(params);
        }
        return work;
    };
    const auto due = argon2_work(current);
    using O = AuthenticationOutcome;
    CHECK(work_of(new_hash, first_password, O::success) == due);
    CHECK(work_of(new_hash, "wrong-guess-1", O::wrong_password) == due);
    CHECK(work_of(old_hash, "wrong-guess-1", O::wrong_password) == due);
    CHECK(work_of(old_disabled, first_password, O::disabled) == due);
    CHECK(work_of(new_disabled, first_password, O::disabled) == due);
    CHECK(work_of(revoked, first_password, O::revoked) == due);
    CHECK(work_of(damaged, first_password, O::damaged_credential) == due);
    CHECK(work_of("apiuser-000000000000@apiconnector.com", first_password, O::unknown_user) == due);
    CHECK(work_of("not even a name", first_password, O::unknown_user) == due);
    // The old hash's first success costs its own check and the rehash; from then on it is like any other.
    CHECK(work_of(old_hash, first_password, O::success) == argon2_work({8, 1, 1}) + due);
    CHECK(work_of(old_hash, first_password, O::success) == due);
}

TEST_CASE("damaged or out-of-bounds stored hashes are reported, never fed to Argon2", "[authenticator]") {
    Fixture f;
    auto auth = f.authenticator();
    for (const std::string& damaged : std::vector<std::string>{
             "garbage",
             "$argon2id$v=19$m=4294967295,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
             "$argon2id$v=19$m=8,t=99999,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
             "$argon2id$v=19$m=8,t=1,p=1$$"}) {
        INFO(damaged);
        {
            SQLite::Database db{f.path.string(), SQLite::OPEN_READWRITE};
            SQLite::Statement update{db, "UPDATE api_users SET password_hash = ?"};
            update.bind(1, damaged);
            update.exec();
        }
        const auto start = std::chrono::steady_clock::now();
        CHECK(auth.authenticate(f.username, first_password).outcome == AuthenticationOutcome::damaged_credential);
        CHECK(std::chrono::steady_clock::now() - start < 5s);
    }
}

TEST_CASE("rotation keeps the old password only as long as asked", "[rotation]") {
    Fixture f;
    auto auth = f.authenticator();
    const auto start = f.clock.now();
    f.rotate("Second-s3cret!", 1h);
    CHECK(f.user().previous_password_expires_at == start + 1h);
    CHECK(auth.authenticate(f.username, first_password));
    CHECK(auth.authenticate(f.username, "Second-s3cret!"));
    f.clock.advance(59min);
    CHECK(auth.authenticate(f.username, first_password));
    f.clock.advance(1min);
    CHECK(auth.authenticate(f.username, first_password).outcome == AuthenticationOutcome::wrong_password);
    CHECK(auth.authenticate(f.username, "Second-s3cret!"));
    CHECK_FALSE(f.user().previous_password_expires_at);
    // Erased from the row, not only ignored.
    SQLite::Database db{f.path.string(), SQLite::OPEN_READONLY};
    CHECK(db.execAndGet("SELECT count(*) FROM api_users WHERE previous_password_hash IS NOT NULL").getInt() == 0);
}

TEST_CASE("rotation without an overlap stops the old password at once", "[rotation]") {
    Fixture f;
    auto auth = f.authenticator();
    f.rotate("Second-s3cret!");
    CHECK(auth.authenticate(f.username, first_password).outcome == AuthenticationOutcome::wrong_password);
    CHECK(auth.authenticate(f.username, "Second-s3cret!"));
    CHECK_FALSE(f.user().previous_password_expires_at);
}

TEST_CASE("a second rotation within the window replaces the old password", "[rotation]") {
    Fixture f;
    auto auth = f.authenticator();
    f.rotate("Second-s3cret!", 24h);
    f.clock.advance(1h);
    f.rotate("Third-s3cret!!", 24h);
    CHECK(auth.authenticate(f.username, first_password).outcome == AuthenticationOutcome::wrong_password);
    CHECK(auth.authenticate(f.username, "Second-s3cret!"));
    CHECK(auth.authenticate(f.username, "Third-s3cret!!"));
    CHECK(f.user().previous_password_expires_at == f.clock.now() + 24h);
}

TEST_CASE("a kept password whose deadline passwd could not have set is ignored", "[rotation]") {
    Fixture f;
    auto auth = f.authenticator();
    const auto rotated_at = f.clock.now();
    f.rotate("Second-s3cret!", 30 * 24h);  // the longest overlap passwd allows still works
    CHECK(auth.authenticate(f.username, first_password));
    auto plant_deadline = [&](const std::string& deadline) {
        SQLite::Database db{f.path.string(), SQLite::OPEN_READWRITE};
        SQLite::Statement update{db, "UPDATE api_users SET previous_password_expires_at = ?"};
        update.bind(1, deadline);
        update.exec();
    };
    plant_deadline("2099-01-01T00:00:00Z");
    CHECK(auth.authenticate(f.username, first_password).outcome == AuthenticationOutcome::wrong_password);
    // Within 30 days from now, but 35 days after the rotation that set it.
    f.clock.advance(10 * 24h);
    plant_deadline(format_timestamp(rotated_at + 35 * 24h));
    CHECK(auth.authenticate(f.username, first_password).outcome == AuthenticationOutcome::wrong_password);
    CHECK(auth.authenticate(f.username, "Second-s3cret!"));
}

TEST_CASE("rotation refuses the same password, revoked users and overlong overlaps", "[rotation]") {
    Fixture f;
    CHECK(kind_of([&] { f.rotate(first_password); }) == ErrorKind::password_rejected);
    CHECK(kind_of([&] { f.rotate("Second-s3cret!", 31 * 24h); }) == ErrorKind::invalid_input);
    CHECK(kind_of([&] { f.rotate("Second-s3cret!", 0s); }) == ErrorKind::invalid_input);
    CHECK(kind_of([&] { f.rotate("short"); }) == ErrorKind::password_rejected);
    const std::vector<std::string> names{f.username};
    revoke(*f.owner, names);
    CHECK(kind_of([&] { f.rotate("Second-s3cret!"); }) == ErrorKind::invalid_state);
}

TEST_CASE("a generated rotation password is returned once and works", "[rotation]") {
    Fixture f;
    const auto changed = change_password(*f.owner, f.username, {std::nullopt, std::nullopt});
    REQUIRE(changed.generated_password);
    auto auth = f.authenticator();
    CHECK(auth.authenticate(f.username, changed.generated_password->view()));
    const auto log = f.log_of(f.username);
    CHECK(log.back().action == "api_user.passwd");
    CHECK(log.back().details.find(std::string{changed.generated_password->view()}) == std::string::npos);
}

TEST_CASE("authenticate is safe from several threads at once", "[authenticator][threads]") {
    Fixture f;
    auto auth = f.authenticator();
    std::atomic<int> unexpected{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i) {
                if (!auth.authenticate(f.username, first_password)) {
                    ++unexpected;
                }
                if (auth.authenticate(f.username, "wrong-guess-1")) {
                    ++unexpected;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(unexpected == 0);
    std::size_t failures = 0;
    for (const auto& entry : f.log_of(f.username)) {
        failures += entry.action == "api_user.authentication_failed" ? 1u : 0u;
    }
    CHECK(failures == 100);
}

TEST_CASE("at most max_concurrent_hashes calls hash at once, the others wait their turn", "[authenticator][threads]") {
    Fixture f;
    update_account(*f.owner, {std::nullopt, Argon2Params{1024, 1, 1}});
    for (const unsigned limit : {1u, 2u}) {
        INFO("limit " << limit);
        Authenticator auth{f.path, {{}, "test-server", &f.clock, nullptr, limit}};
        std::atomic<int> unexpected{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 6; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 4; ++i) {
                    unexpected += auth.authenticate(f.username, first_password) ? 0 : 1;
                    unexpected += auth.authenticate("apiuser-000000000000@apiconnector.com", first_password) ? 1 : 0;
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        CHECK(unexpected == 0);
        CHECK(auth.peak_concurrent_hashes() >= 1);
        CHECK(auth.peak_concurrent_hashes() <= limit);
    }
}

TEST_CASE("a password longer than any that can be set is refused before it is copied or hashed", "[authenticator]") {
    Fixture f;
    int runs = 0;
    Authenticator auth{f.path, {{}, "test-server", &f.clock, [&](const Argon2Params&) { ++runs; }}};
    const std::string huge(max_password_input_bytes + 1, 'a');
    CHECK(auth.authenticate(f.username, huge).outcome == AuthenticationOutcome::wrong_password);
    CHECK(auth.authenticate("apiuser-000000000000@apiconnector.com", huge).outcome ==
          AuthenticationOutcome::unknown_user);
    CHECK(runs == 0);
    CHECK(f.user().failed_attempts == 1);
    CHECK(auth.authenticate(f.username, first_password));
    CHECK(runs == 1);
}

TEST_CASE("an unusable store fails when the Authenticator opens it", "[authenticator]") {
    test::Sandbox sandbox;
    CHECK(kind_of([&] { Authenticator{sandbox.dir() / "missing.db"}; }) == ErrorKind::store);
}
