#pragma once

// A store with an account owned by "owner", opened through the library with a manual clock and a seeded
// Random: the starting point of most library tests.

#include <optional>
#include <string>

#include <apiuser/account.hpp>
#include <apiuser/session.hpp>
#include <apiuser/store.hpp>

#include "fixed_random.hpp"
#include "manual_clock.hpp"
#include "sandbox.hpp"

namespace apiuser::test {

struct AccountFixture {
    Sandbox sandbox;
    ManualClock clock;
    FixedRandom random;
    std::filesystem::path path = sandbox.dir() / "apiuser.db";
    std::optional<Store> store;
    std::optional<Session> owner;

    AccountFixture() {
        NewAccount account;
        account.company = "Acme Widgets Ltd";
        account.owner_login = "owner";
        account.owner_email = "owner@acme.example";
        account.argon2 = {8, 1, 1};
        init_account(path, account, clock);
        store.emplace(Store::open(path));
        owner.emplace(Session{*store, "owner", clock, random});
    }

    // A session acting as `login` on the same store, clock and Random.
    Session as(const std::string& login) { return Session{*store, login, clock, random}; }
};

}  // namespace apiuser::test
