#include <fmt/format.h>

#include <apiuser/account.hpp>
#include <apiuser/argon2_cost.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>
#include <apiuser/username.hpp>

#include "audit.hpp"
#include "permissions.hpp"
#include "store/backend.hpp"
#include "store/records.hpp"
#include "text/ascii.hpp"
#include "text/text_field.hpp"

namespace apiuser {

namespace {

constexpr std::size_t max_company_code_points = 255;

void validate_company(std::string_view company) {
    if (company.find_first_not_of(' ') == std::string_view::npos) {
        throw Error(ErrorKind::invalid_input, "the company name is empty", "give it with --company NAME");
    }
    validate_text_field("company name", company, max_company_code_points);
}

void validate_argon2(const Argon2Params& params) {
    if (const auto problem = argon2_params_problem(params); !problem.empty()) {
        throw Error(ErrorKind::invalid_input, "invalid Argon2 parameters: " + problem,
                    "write them as m=KiB,t=ITERATIONS,p=LANES, for example m=19456,t=2,p=1");
    }
}

nlohmann::json argon2_json(const Argon2Params& params) {
    return to_string(params);
}

}  // namespace

bool below_recommended(const Argon2Params& params) {
    return weaker_than(params, recommended_argon2_params);
}

AccountSettings init_account(const StoreLocation& location, const NewAccount& request, const Clock& clock,
                             const StoreOptions& options,
                             const std::function<void(const AccountSettings&)>& before_commit) {
    validate_company(request.company);
    const std::string domain = to_lower_ascii(request.domain);
    validate_domain(domain);
    validate_login(request.owner_login);
    if (!request.owner_email.empty()) {
        validate_email(request.owner_email);
    }
    validate_argon2(request.argon2);
    require_argon2_within_budget(request.argon2, request.force_argon2);

    const auto now = clock.now();
    AccountSettings account{request.company, domain, request.argon2, now, request.owner_login};
    store::create_store(location, options, [&](store::Records& records) {
        records.insert_account(account);
        records.insert_member(Member{request.owner_login, request.owner_email, true, true, now, request.owner_login});
        audit(records, now, request.owner_login, "account.init", "account",
              {{"company", account.company},
               {"domain", account.domain},
               {"argon2", argon2_json(account.argon2)},
               {"owner", account.owner}});
        if (before_commit) {
            before_commit(account);
        }
    });
    return account;
}

AccountSettings show_account(Session& session) {
    return store::read(session.store, [&](store::Records& records) {
        require_member(records, session);
        return records.load_account();
    });
}

AccountSettings update_account(Session& session, const AccountChanges& changes) {
    if (changes.company) {
        validate_company(*changes.company);
    }
    if (changes.argon2) {
        validate_argon2(*changes.argon2);
        require_argon2_within_budget(*changes.argon2, changes.force_argon2);
    }
    return store::write(session.store, [&](store::Records& records) {
        require_account_manager(records, session, "change the account settings");
        AccountSettings account = records.load_account();
        nlohmann::json details = nlohmann::json::object();
        if (changes.company && *changes.company != account.company) {
            details["company"] = {{"from", account.company}, {"to", *changes.company}};
            account.company = *changes.company;
        }
        if (changes.argon2 && *changes.argon2 != account.argon2) {
            details["argon2"] = {{"from", argon2_json(account.argon2)}, {"to", argon2_json(*changes.argon2)}};
            account.argon2 = *changes.argon2;
        }
        if (!details.empty()) {
            records.update_account_settings(account);
            audit(records, session, "account.update", "account", details);
        }
        return account;
    });
}

}  // namespace apiuser
