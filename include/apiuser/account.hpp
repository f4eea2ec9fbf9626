#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <apiuser/clock.hpp>
#include <apiuser/password_hash.hpp>
#include <apiuser/session.hpp>
#include <apiuser/store.hpp>

namespace apiuser {

inline constexpr std::string_view default_api_user_domain = "apiconnector.com";

// The account (the company) a store belongs to.
struct AccountSettings {
    std::string company;
    std::string domain;   // the email domain of generated API usernames
    Argon2Params argon2;  // parameters for new password hashes
    Timestamp created_at;
    std::string owner;  // login of the account owner
};

struct NewAccount {
    std::string company;
    std::string domain{default_api_user_domain};
    std::string owner_login;
    std::string owner_email;  // may be empty
    Argon2Params argon2 = recommended_argon2_params;
    // Accept `argon2` above the budget of argon2_cost.hpp (every attempt to authenticate would cost that).
    bool force_argon2 = false;
};

// Creates the store at `location` and in it the account described by `account`, owned by
// `account.owner_login`, all in one transaction: on any failure no file is left behind. Throws
// Error(invalid_state) if anything already exists at `location`, Error(invalid_input) for a bad company,
// domain, login, email or Argon2 parameters (also parameters above the budget, unless `force_argon2`). `before_commit`,
// when given, is called with the new settings just before the transaction commits (to print them, say); if it throws,
// the store is not created.
AccountSettings init_account(const StoreLocation& location, const NewAccount& account, const Clock& clock,
                             const StoreOptions& options = {},
                             const std::function<void(const AccountSettings&)>& before_commit = {});

// Returns the account's settings; any member may read them.
AccountSettings show_account(Session& session);

// Changes to the account's settings; unset fields stay as they are.
struct AccountChanges {
    std::optional<std::string> company;
    std::optional<Argon2Params> argon2;
    // Accept `argon2` above the budget of argon2_cost.hpp (every attempt to authenticate would cost that).
    bool force_argon2 = false;
};

// Applies `changes` (owner or admin only, audited) and returns the new settings. Throws
// Error(invalid_input) for a bad company or Argon2 parameters, including parameters above the budget unless
// `changes.force_argon2`.
AccountSettings update_account(Session& session, const AccountChanges& changes);

// True when `params` are below the recommended cost (allowed, but worth a warning).
bool below_recommended(const Argon2Params& params);

}  // namespace apiuser
