#include <algorithm>

#include <fmt/format.h>

#include <apiuser/account.hpp>
#include <apiuser/api_users.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/password_generator.hpp>
#include <apiuser/password_policy.hpp>
#include <apiuser/username.hpp>

#include "api_user_lookup.hpp"
#include "audit.hpp"
#include "permissions.hpp"
#include "store/backend.hpp"
#include "store/records.hpp"
#include "text/text_field.hpp"
#include "text/unicode.hpp"

namespace apiuser {

namespace {

constexpr std::size_t max_description_code_points = 255;

std::string description_key(std::string_view description) {
    return unicode::fold(description);
}

// An old password whose overlap has ended no longer works, even before the next write erases it.
ApiUser without_ended_overlap(ApiUser user, Timestamp now) {
    if (user.previous_password_expires_at && *user.previous_password_expires_at <= now) {
        user.previous_password_expires_at.reset();
    }
    return user;
}

struct CreationContext {
    AccountSettings account;
    Member actor;
};

// The username and, when the caller gave none, the generated password, chosen together because the
// policy forbids the password to contain the username.
struct Candidate {
    std::string id;
    std::string username;
    std::optional<Secret> generated_password;
    Secret normalized_password;
};

Candidate choose_candidate(Session& session, const CreationContext& context, const NewApiUser& request) {
    Candidate candidate;
    candidate.id = generate_api_user_id(session.random);
    candidate.username = make_username(candidate.id, context.account.domain);
    const PasswordContext policy{candidate.username, context.account.company, context.actor.email};
    if (request.password) {
        candidate.normalized_password = enforce_password_policy(request.password->view(), policy);
    } else {
        candidate.generated_password = generate_password(session.random, policy);
        candidate.normalized_password = normalize_password(candidate.generated_password->view());
    }
    return candidate;
}

}  // namespace

void validate_description(std::string_view description) {
    validate_text_field("description", description, max_description_code_points);
}

CreatedApiUser create_api_user(Session& session, const NewApiUser& request, bool dry_run) {
    validate_description(request.description);
    CreationContext context;
    store::read(session.store, [&](store::Records& records) {
        context.actor = require_account_manager(records, session, "create API users");
        context.account = records.load_account();
    });
    Candidate candidate = choose_candidate(session, context, request);

    CreatedApiUser created;
    const auto now = session.clock.now();
    created.user.description = request.description;
    created.user.status = request.disabled ? ApiUserStatus::disabled : ApiUserStatus::enabled;
    created.user.created_at = created.user.updated_at = now;
    created.user.created_by = created.user.updated_by = session.actor;
    const auto key = description_key(request.description);

    if (dry_run) {
        store::read(session.store, [&](store::Records& records) {
            created.description_in_use = !key.empty() && records.enabled_description_exists(key);
        });
        created.user.id = candidate.id;
        created.user.username = candidate.username;
        created.user.hash.emplace().params = context.account.argon2;  // the parameters it would be hashed with
        created.generated_password = std::move(candidate.generated_password);
        return created;
    }

    // Hashing takes tens of milliseconds on purpose: do it before taking the write lock, so that parallel
    // creates never queue behind one another's hashing.
    std::string hash = hash_password(candidate.normalized_password, context.account.argon2, session.random);
    candidate.normalized_password.clear();

    store::write(session.store, [&](store::Records& records) {
        require_account_manager(records, session, "create API users");
        // A 48-bit id collides rarely, but usernames are unique for ever: draw again until it is new.
        while (records.api_user_id_taken(candidate.id)) {
            const std::string id = generate_api_user_id(session.random);
            const std::string username = make_username(id, context.account.domain);
            const Secret& typed = request.password ? *request.password : *candidate.generated_password;
            if (check_password(typed.view(), {username, context.account.company, context.actor.email}).empty()) {
                candidate.id = id;
                candidate.username = username;
            }
        }
        created.user.id = candidate.id;
        created.user.username = candidate.username;
        created.user.hash = parse_phc_hash(hash);
        created.description_in_use = !key.empty() && records.enabled_description_exists(key);
        records.insert_api_user(created.user, key, hash);
        audit(records, session, "api_user.create", created.user.username,
              {{"description", created.user.description},
               {"status", to_string(created.user.status)},
               {"password", request.password ? "provided" : "generated"},
               {"argon2", to_string(context.account.argon2)}});
    });
    created.generated_password = std::move(candidate.generated_password);
    return created;
}

void list_api_users(Session& session, const ApiUserFilter& filter, const std::function<void(const ApiUser&)>& sink) {
    store::read(session.store, [&](store::Records& records) {
        require_member(records, session);
        const auto now = session.clock.now();
        records.for_each_api_user(filter, [&](const ApiUser& user) {
            if (user.previous_password_expires_at && *user.previous_password_expires_at <= now) {
                sink(without_ended_overlap(user, now));
            } else {
                sink(user);
            }
        });
    });
}

ApiUser describe_api_user(Session& session, std::string_view reference) {
    ApiUser user = store::read(session.store, [&](store::Records& records) {
        require_member(records, session);
        return find_api_user_by_reference(records, reference, records.load_account().domain);
    });
    return without_ended_overlap(std::move(user), session.clock.now());
}

void check_new_password(Session& session, const Secret& password, std::string_view reference) {
    Member actor;
    AccountSettings account;
    std::string username;
    store::read(session.store, [&](store::Records& records) {
        actor = require_account_manager(records, session,
                                        reference.empty() ? "create API users" : "change API users' passwords");
        account = records.load_account();
        if (!reference.empty()) {
            username = find_api_user_by_reference(records, reference, account.domain).username;
        }
    });
    enforce_password_policy(password.view(), {username, account.company, actor.email});
}

ApiUser set_description(Session& session, std::string_view reference, std::string_view description) {
    validate_description(description);
    return store::write(session.store, [&](store::Records& records) {
        require_account_manager(records, session, "change API users");
        ApiUser user = find_api_user_by_reference(records, reference, records.load_account().domain);
        if (user.description == description) {
            return user;
        }
        const auto now = session.clock.now();
        records.update_description(user.id, description, description_key(description), now, session.actor);
        audit(records, session, "api_user.set_description", user.username,
              {{"from", user.description}, {"to", description}});
        user.description = description;
        user.updated_at = now;
        user.updated_by = session.actor;
        return user;
    });
}

std::vector<StatusChange> set_enabled(Session& session, std::span<const std::string> references, bool enabled) {
    const auto target = enabled ? ApiUserStatus::enabled : ApiUserStatus::disabled;
    return store::write(session.store, [&](store::Records& records) {
        std::vector<StatusChange> changes;
        require_account_manager(records, session, enabled ? "enable API users" : "disable API users");
        const auto domain = records.load_account().domain;
        // Resolve and check every name before changing any, so that a bad one changes nothing.
        for (const auto& reference : references) {
            ApiUser user = find_api_user_by_reference(records, reference, domain);
            if (user.status == ApiUserStatus::revoked) {
                throw Error(ErrorKind::invalid_state,
                            fmt::format("{} is revoked and can never be {} again", user.username,
                                        enabled ? "enabled" : "disabled"),
                            "create a new API user instead: apiuser create --description TEXT");
            }
            changes.push_back({std::move(user), false});
        }
        const auto now = session.clock.now();
        for (auto& change : changes) {
            // The same user named twice is changed once.
            const auto current = records.find_api_user(change.user.id);
            if (current->status == target) {
                change.user = *current;
                continue;
            }
            records.update_status(change.user.id, target, now, session.actor);
            audit(records, session, enabled ? "api_user.enable" : "api_user.disable", change.user.username);
            change.user.status = target;
            change.user.updated_at = now;
            change.user.updated_by = session.actor;
            change.changed = true;
        }
        return changes;
    });
}

std::vector<StatusChange> revoke(Session& session, std::span<const std::string> references) {
    return store::write(session.store, [&](store::Records& records) {
        std::vector<StatusChange> changes;
        require_account_manager(records, session, "revoke API users");
        const auto domain = records.load_account().domain;
        for (const auto& reference : references) {
            changes.push_back({find_api_user_by_reference(records, reference, domain), false});
        }
        const auto now = session.clock.now();
        for (auto& change : changes) {
            const auto current = records.find_api_user(change.user.id);
            if (current->status == ApiUserStatus::revoked) {
                change.user = *current;
                continue;
            }
            records.revoke_api_user(change.user.id, now, session.actor);
            audit(records, session, "api_user.revoke", change.user.username,
                  {{"previous_status", to_string(current->status)}});
            change.user = *records.find_api_user(change.user.id);
            change.changed = true;
        }
        return changes;
    });
}

}  // namespace apiuser
