#pragma once

// How library results look: JSON documents with stable field names, and text for people. Every command
// renders through here, so the same record looks the same everywhere.

#include <nlohmann/json.hpp>

#include <apiuser/account.hpp>
#include <apiuser/api_user.hpp>
#include <apiuser/audit_log.hpp>
#include <apiuser/members.hpp>
#include <apiuser/secret.hpp>

#include "console.hpp"
#include "json_writer.hpp"

namespace apiuser::cli {

// Writes `user` as one JSON object: every field but the hash itself, whose scheme and parameters it shows.
void write_json(JsonWriter& json, const ApiUser& user);

Json to_json(const ApiUser& user);
Json to_json(const Member& member);
Json to_json(const AuditEntry& entry);
Json to_json(const AccountSettings& account);

// Returns "2026-11-27T23:06:17Z", or `none` when there is no time.
std::string format_optional_time(const std::optional<Timestamp>& t, std::string_view none = "never");

// Prints every field of `user` as "Label: value" lines.
void print_api_user(Console& console, const ApiUser& user);

// Prints the account settings as "Label: value" lines.
void print_account(Console& console, const AccountSettings& account);

// Prints the JSON of an API user after a change that may have generated a password: with "password" when
// `password` is given (shown this once, never copied outside wiped memory) and "dry_run": true for a dry
// run, with "username" and "id" null when `hide_username` (a dry run of create: no username exists yet).
void print_changed_api_user_json(Console& console, const ApiUser& user, const Secret* password, bool dry_run,
                                 bool hide_username = false);

// Prints a generated password with the warning that it will never be shown again.
void print_generated_password(Console& console, const Secret& password);

// Warns on stderr when `params` are below the recommended Argon2 cost.
void warn_if_weak(Console& console, const Argon2Params& params);
// Warns when every attempt to authenticate, also by an unknown name, would cost more than an API server
// should pay (argon2_cost.hpp's recommended maximum).
void warn_if_costly(Console& console, const Argon2Params& params);

// Prints "[", then one element per call of `add`, then "]": a JSON array that never sits whole in memory.
class JsonArrayWriter {
  public:
    explicit JsonArrayWriter(Console& console);
    void add(const Json& element);
    // Adds `user` without building a document, which is most of the cost of listing many users.
    void add(const ApiUser& user);
    void finish();

  private:
    void start_element();
    void flush_if_full();

    Console& console_;
    JsonWriter json_;  // what is not printed yet
    bool empty_ = true;
};

}  // namespace apiuser::cli
