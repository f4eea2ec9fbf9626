#include <vector>

#include <fmt/format.h>
#include <pwd.h>

#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>

#include "audit.hpp"
#include "permissions.hpp"
#include "store/backend.hpp"
#include "store/records.hpp"
#include "text/unicode.hpp"

namespace apiuser {

namespace {

// LOGIN_NAME_MAX less its NUL: fully qualified SSSD and Active Directory names are often longer
// than the 32 characters of a local account.
constexpr std::size_t max_login_length = 255;
constexpr std::size_t max_email_length = 254;

Member load_existing_member(store::Records& records, std::string_view login) {
    auto member = records.find_member(login);
    if (!member) {
        throw Error(ErrorKind::not_found, fmt::format("'{}' is not a member of this account", login),
                    "see the members with 'apiuser member list'");
    }
    return *member;
}

bool login_exists(const std::string& login) {
    std::vector<char> buffer(16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    return ::getpwnam_r(login.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr;
}

}  // namespace

bool may_manage_account(const Member& member) {
    return member.owner || member.can_manage_account;
}

void validate_login(std::string_view login) {
    auto invalid = [&](std::string_view why) {
        return Error(ErrorKind::invalid_input, fmt::format("invalid login name '{}': {}", login, why),
                     "give the member's login name on this system, as 'id -un' prints it");
    };
    if (login.empty() || login.size() > max_login_length) {
        throw invalid(fmt::format("a login has 1 to {} characters", max_login_length));
    }
    if (login.front() == '-') {
        throw invalid("a login cannot start with '-'");
    }
    for (std::size_t i = 0; i < login.size(); ++i) {
        const char c = login[i];
        const bool portable = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                              c == '_' || c == '-';
        // SSSD and winbind name domain users "dave@corp.example", as 'id -un' prints them; Samba
        // machine accounts end in '$'.
        const bool domain_at = c == '@' && i > 0 && i + 1 < login.size();
        if (!portable && !domain_at && !(c == '$' && i + 1 == login.size() && i > 0)) {
            throw invalid("use letters, digits, '.', '_', '-' and '@'");
        }
    }
}

void validate_email(std::string_view email) {
    auto invalid = [&](std::string_view why) {
        return Error(ErrorKind::invalid_input, fmt::format("invalid email address '{}': {}", email, why),
                     "give an address such as ops@example.com");
    };
    if (email.size() > max_email_length) {
        throw invalid(fmt::format("at most {} characters", max_email_length));
    }
    if (!unicode::is_valid_utf8(email)) {
        throw invalid("not valid UTF-8");
    }
    const auto at = email.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) {
        throw invalid("expected NAME@DOMAIN");
    }
    for (char32_t c : unicode::decode(email)) {
        if (c == ' ' || unicode::is_control(c) || unicode::is_bidi_control(c)) {
            throw invalid("no spaces or control characters");
        }
    }
}

Member add_member(Session& session, const NewMember& request) {
    validate_login(request.login);
    if (!request.email.empty()) {
        validate_email(request.email);
    }
    Member member{request.login, request.email, false, request.can_manage_account, session.clock.now(), session.actor};
    store::write(session.store, [&](store::Records& records) {
        require_account_manager(records, session, "add members");
        if (records.find_member(request.login)) {
            throw Error(ErrorKind::invalid_state, fmt::format("'{}' is already a member", request.login),
                        fmt::format("change its permission with 'apiuser member set {} --manage-account' or "
                                    "'--no-manage-account'",
                                    request.login));
        }
        // A mistyped login would be a member nobody can ever act as: refuse it, unless it is on
        // purpose.
        if (!request.allow_unknown_login && !login_exists(request.login)) {
            throw Error(ErrorKind::invalid_input, fmt::format("there is no login '{}' on this system", request.login),
                        fmt::format("check the spelling ('id -un' prints a login), or add it ahead of time with "
                                    "'apiuser member add {} --allow-unknown-login'",
                                    request.login));
        }
        records.insert_member(member);
        audit(records, session, "member.add", member.login,
              {{"email", member.email}, {"can_manage_account", member.can_manage_account}});
    });
    return member;
}

PermissionChange set_member_permission(Session& session, std::string_view login, bool can_manage_account) {
    return store::write(session.store, [&](store::Records& records) {
        require_account_manager(records, session, "change members' permissions");
        PermissionChange change{load_existing_member(records, login), false};
        if (change.member.owner) {
            if (!can_manage_account) {
                throw Error(ErrorKind::invalid_state,
                            fmt::format("'{}' is the account owner, who always holds every permission", login),
                            "the owner cannot be demoted");
            }
            return change;
        }
        if (change.member.can_manage_account == can_manage_account) {
            return change;
        }
        records.update_member_permission(login, can_manage_account);
        audit(records, session, "member.set", login, {{"can_manage_account", can_manage_account}});
        change.member.can_manage_account = can_manage_account;
        change.changed = true;
        return change;
    });
}

void remove_member(Session& session, std::string_view login) {
    store::write(session.store, [&](store::Records& records) {
        require_account_manager(records, session, "remove members");
        const Member member = load_existing_member(records, login);
        if (member.owner) {
            throw Error(ErrorKind::invalid_state, fmt::format("'{}' is the account owner and cannot be removed", login),
                        "the owner stays for the life of the account");
        }
        records.delete_member(login);
        audit(records, session, "member.remove", login,
              {{"email", member.email}, {"can_manage_account", member.can_manage_account}});
    });
}

std::vector<Member> list_members(Session& session) {
    return store::read(session.store, [&](store::Records& records) {
        require_member(records, session);
        return records.all_members();
    });
}

}  // namespace apiuser
