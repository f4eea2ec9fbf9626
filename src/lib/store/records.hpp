#pragma once

// The domain's vocabulary for the store's rows: what the operations in src/lib read and write, inside one
// transaction of a Backend (backend.hpp). Each backend implements it in its own folder; nothing outside
// src/lib/store sees how.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <apiuser/account.hpp>
#include <apiuser/api_user.hpp>
#include <apiuser/api_users.hpp>
#include <apiuser/audit_log.hpp>
#include <apiuser/completion.hpp>
#include <apiuser/members.hpp>

namespace apiuser::store {

// What the library needs to verify a password; never leaves the library.
struct Credential {
    std::string id;
    std::string username;
    ApiUserStatus status = ApiUserStatus::revoked;
    std::string password_hash;           // empty once revoked
    std::string previous_password_hash;  // empty unless an old password may still work
    std::optional<Timestamp> previous_password_expires_at;
    std::optional<Timestamp> last_used_at;
    std::optional<Timestamp> updated_at;  // no earlier than the rotation that set a kept password
    std::int64_t failed_attempts = 0;
};

class Records {
  public:
    virtual ~Records() = default;

    // The account's settings; throws Error(store_damaged) when the store has none.
    virtual AccountSettings load_account() = 0;
    virtual void insert_account(const AccountSettings& account) = 0;
    // Saves the company name and the Argon2 parameters of `account`.
    virtual void update_account_settings(const AccountSettings& account) = 0;

    virtual std::optional<Member> find_member(std::string_view login) = 0;
    virtual std::vector<Member> all_members() = 0;
    virtual void insert_member(const Member& member) = 0;
    virtual void update_member_permission(std::string_view login, bool can_manage_account) = 0;
    virtual void delete_member(std::string_view login) = 0;

    virtual bool api_user_id_taken(std::string_view id) = 0;
    virtual bool enabled_description_exists(std::string_view description_key) = 0;
    virtual void insert_api_user(const ApiUser& user, std::string_view description_key,
                                 std::string_view password_hash) = 0;
    virtual std::optional<ApiUser> find_api_user(std::string_view id) = 0;
    virtual std::optional<Credential> find_credential(std::string_view id) = 0;
    virtual void for_each_api_user(const ApiUserFilter& filter, const std::function<void(const ApiUser&)>& sink) = 0;
    // Calls `sink` with the id of every API user, revoked ones included, for "did you mean" suggestions.
    virtual void for_each_api_user_id(const std::function<void(std::string_view)>& sink) = 0;
    // Calls `sink` for each API user with one of `statuses` whose username or id starts with `prefix`, by
    // creation order.
    virtual void for_each_api_user_name_starting_with(std::span<const ApiUserStatus> statuses, std::string_view prefix,
                                                      const std::function<void(const ApiUserName&)>& sink) = 0;
    virtual void update_description(std::string_view id, std::string_view description, std::string_view description_key,
                                    Timestamp at, std::string_view by) = 0;
    virtual void update_status(std::string_view id, ApiUserStatus status, Timestamp at, std::string_view by) = 0;
    // Marks `id` revoked and erases its password hashes.
    virtual void revoke_api_user(std::string_view id, Timestamp at, std::string_view by) = 0;
    // Sets a new password hash; the current one becomes the previous one until `keep_until`, or with no
    // `keep_until` every older hash is erased. Resets the failure counter.
    virtual void set_password_hash(std::string_view id, std::string_view hash, std::optional<Timestamp> keep_until,
                                   Timestamp at, std::string_view by) = 0;
    // Replaces the current hash `expected` by `upgraded`, a stronger hash of the same password, unless the
    // password changed meanwhile. The previous password, if any, is left alone.
    virtual void upgrade_password_hash(std::string_view id, std::string_view expected, std::string_view upgraded) = 0;
    // Records a successful verification: the time when `last_used` is set, and no failures since.
    virtual void record_success(std::string_view id, std::optional<Timestamp> last_used) = 0;
    // Counts one more failed verification.
    virtual void record_failure(std::string_view id) = 0;
    // Erases every previous password whose overlap ended at or before `now`.
    virtual void erase_expired_previous_passwords(Timestamp now) = 0;

    virtual void append_audit(const AuditEntry& entry) = 0;
    virtual void for_each_audit_entry(const AuditFilter& filter,
                                      const std::function<void(const AuditEntry&)>& sink) = 0;

  protected:
    Records() = default;
    Records(const Records&) = default;
    Records& operator=(const Records&) = default;
};

}  // namespace apiuser::store
