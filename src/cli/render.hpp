#pragma once

// How library results look: JSON documents with stable field names, and text for people. Every command
// renders through here, so the same record looks the same everywhere.

#include <nlohmann/json.hpp>

#include <apiuser/account.hpp>
#include <apiuser/api_user.hpp>
#include <apiuser/audit_log.hpp>
#include <apiuser/members.hpp>

#include "console.hpp"

namespace apiuser::cli {

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

// Warns on stderr when `params` are below the recommended Argon2 cost.
void warn_if_weak(Console& console, const Argon2Params& params);

// Prints "[", then one element per call of `next`, then "]": a JSON array that never sits whole in memory.
class JsonArrayWriter {
public:
    explicit JsonArrayWriter(Console& console);
    void add(const Json& element);
    void finish();

private:
    Console& console_;
    bool empty_ = true;
};

}  // namespace apiuser::cli
