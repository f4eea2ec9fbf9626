#include <fmt/format.h>

#include <apiuser/api_users.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/password_generator.hpp>
#include <apiuser/password_policy.hpp>
#include <apiuser/password_rotation.hpp>

#include "api_user_lookup.hpp"
#include "audit.hpp"
#include "permissions.hpp"
#include "store/backend.hpp"
#include "store/records.hpp"

namespace apiuser {

namespace {

void check_overlap(const PasswordChange& change) {
    if (change.keep_old_for && (change.keep_old_for->count() <= 0 || *change.keep_old_for > max_password_overlap)) {
        throw Error(ErrorKind::invalid_input, "the old password can be kept for at most 30 days",
                    "give --keep-old-for a duration such as 24h or 7d");
    }
}

// Until when the current password keeps working after a change made at `now`; nullopt: not at all.
std::optional<Timestamp> keep_old_until(const PasswordChange& change, Timestamp now) {
    if (!change.keep_old_for) {
        return std::nullopt;
    }
    return now + *change.keep_old_for;
}

}  // namespace

ChangedPassword change_password(Session& session, std::string_view reference, const PasswordChange& change,
                                bool dry_run) {
    check_overlap(change);
    ApiUser user;
    AccountSettings account;
    Member actor;
    std::string current_hash;
    store::read(session.store, [&](store::Records& records) {
        actor = require_account_manager(records, session, "change API users' passwords");
        account = records.load_account();
        user = find_api_user_by_reference(records, reference, account.domain);
        current_hash = records.find_credential(user.id)->password_hash;
    });
    if (user.status == ApiUserStatus::revoked) {
        throw Error(ErrorKind::invalid_state,
                    fmt::format("{} is revoked and can never have a password again", user.username),
                    "create a new API user instead: apiuser create --description TEXT");
    }

    ChangedPassword result;
    const PasswordContext policy{user.username, account.company, actor.email};
    Secret normalized;
    if (change.password) {
        normalized = enforce_password_policy(change.password->view(), policy);
    } else {
        result.generated_password = generate_password(session.random, policy);
        normalized = normalize_password(result.generated_password->view());
    }
    if (check_password_hash(normalized, current_hash) == HashMatch::match) {
        throw Error(ErrorKind::password_rejected, "the new password is the same as the current one",
                    "choose a different password");
    }
    result.user = user;
    if (dry_run) {
        // The user as the change would leave it, so that a dry run reports what it would do.
        const auto now = session.clock.now();
        result.user.previous_password_expires_at = keep_old_until(change, now);
        result.user.hash.emplace().params = account.argon2;  // the parameters it would be hashed with
        result.user.updated_at = now;
        result.user.updated_by = session.actor;
        return result;
    }
    // As at creation: hash before taking the write lock.
    const std::string hash = hash_password(normalized, account.argon2, session.random);
    normalized.clear();

    store::write(session.store, [&](store::Records& records) {
        require_account_manager(records, session, "change API users' passwords");
        const auto now = session.clock.now();
        const auto current = records.find_credential(user.id);
        if (current->status == ApiUserStatus::revoked) {
            throw Error(ErrorKind::invalid_state, fmt::format("{} was revoked meanwhile", user.username));
        }
        const auto keep_until = keep_old_until(change, now);
        records.erase_expired_previous_passwords(now);
        records.set_password_hash(user.id, hash, keep_until, now, session.actor);
        nlohmann::json details{{"password", change.password ? "provided" : "generated"},
                               {"argon2", to_string(account.argon2)}};
        details["keep_old_until"] =
            keep_until ? nlohmann::json(format_timestamp(*keep_until)) : nlohmann::json(nullptr);
        audit(records, session, "api_user.passwd", user.username, details);
        result.user = *records.find_api_user(user.id);
    });
    return result;
}

}  // namespace apiuser
