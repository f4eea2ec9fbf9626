#include <fmt/format.h>

#include "render.hpp"

namespace apiuser::cli {

namespace {

Json optional_time(const std::optional<Timestamp>& t) {
    return t ? Json(format_timestamp(*t)) : Json(nullptr);
}

Json optional_text(const std::string& text) {
    return text.empty() ? Json(nullptr) : Json(text);
}

void print_field(Console& console, std::string_view label, std::string_view value) {
    console.result(fmt::format("{:<16}{}", fmt::format("{}:", label), value));
}

std::string by(std::string_view time, std::string_view actor) {
    return actor.empty() ? std::string{time} : fmt::format("{} by {}", time, terminal_safe(actor));
}

}  // namespace

std::string format_optional_time(const std::optional<Timestamp>& t, std::string_view none) {
    return t ? format_timestamp(*t) : std::string{none};
}

Json to_json(const ApiUser& user) {
    Json hash = nullptr;
    if (user.hash) {
        hash = {{"scheme", "argon2id"},
                {"m", user.hash->params.memory_kib},
                {"t", user.hash->params.iterations},
                {"p", user.hash->params.parallelism}};
    }
    return {{"username", user.username},
            {"id", user.id},
            {"description", user.description},
            {"status", to_string(user.status)},
            {"created_at", format_timestamp(user.created_at)},
            {"created_by", user.created_by},
            {"updated_at", format_timestamp(user.updated_at)},
            {"updated_by", user.updated_by},
            {"revoked_at", optional_time(user.revoked_at)},
            {"revoked_by", optional_text(user.revoked_by)},
            {"last_used_at", optional_time(user.last_used_at)},
            {"failed_attempts", user.failed_attempts},
            {"hash", hash},
            {"previous_password_expires_at", optional_time(user.previous_password_expires_at)}};
}

Json to_json(const Member& member) {
    return {{"login", member.login},
            {"email", optional_text(member.email)},
            {"owner", member.owner},
            {"can_manage_account", may_manage_account(member)},
            {"added_at", format_timestamp(member.added_at)},
            {"added_by", member.added_by}};
}

Json to_json(const AuditEntry& entry) {
    auto details = Json::parse(entry.details, nullptr, false);
    if (details.is_discarded()) {
        details = entry.details;  // written by another program: show it as it is
    }
    return {{"seq", entry.sequence},
            {"at", format_timestamp(entry.at)},
            {"actor", entry.actor},
            {"action", entry.action},
            {"target", entry.target},
            {"details", details}};
}

Json to_json(const AccountSettings& account) {
    return {{"company", account.company},
            {"domain", account.domain},
            {"owner", account.owner},
            {"created_at", format_timestamp(account.created_at)},
            {"argon2", {{"m", account.argon2.memory_kib}, {"t", account.argon2.iterations}, {"p", account.argon2.parallelism}}}};
}

void print_api_user(Console& console, const ApiUser& user) {
    print_field(console, "Username", terminal_safe(user.username));
    print_field(console, "Description", terminal_safe(user.description));
    print_field(console, "Status", console.status(to_string(user.status)));
    print_field(console, "Created", by(format_timestamp(user.created_at), user.created_by));
    print_field(console, "Updated", by(format_timestamp(user.updated_at), user.updated_by));
    if (user.revoked_at) {
        print_field(console, "Revoked", by(format_timestamp(*user.revoked_at), user.revoked_by));
    }
    print_field(console, "Last used", format_optional_time(user.last_used_at));
    print_field(console, "Failed logins", fmt::format("{} since the last success", user.failed_attempts));
    print_field(console, "Password hash",
                user.hash ? fmt::format("argon2id {}", to_string(user.hash->params)) : "none (erased)");
    if (user.previous_password_expires_at) {
        print_field(console, "Old password",
                    fmt::format("still accepted until {}", format_timestamp(*user.previous_password_expires_at)));
    }
}

void print_account(Console& console, const AccountSettings& account) {
    print_field(console, "Company", terminal_safe(account.company));
    print_field(console, "Domain", terminal_safe(account.domain));
    print_field(console, "Owner", terminal_safe(account.owner));
    print_field(console, "Created", format_timestamp(account.created_at));
    print_field(console, "Argon2id", to_string(account.argon2));
}

void warn_if_weak(Console& console, const Argon2Params& params) {
    if (below_recommended(params)) {
        console.warning(fmt::format("Argon2 parameters {} are below the recommended {}: use them only for tests",
                                    to_string(params), to_string(recommended_argon2_params)));
    }
}

JsonArrayWriter::JsonArrayWriter(Console& console) : console_(console) {}

void JsonArrayWriter::add(const Json& element) {
    // Nothing is printed before the first element, so that a command failing early prints no half array.
    console_.out() << (empty_ ? "[\n" : ",\n") << console_.dump(element, console_.out_is_terminal());
    empty_ = false;
}

void JsonArrayWriter::finish() { console_.out() << (empty_ ? "[]\n" : "\n]\n"); }

}  // namespace apiuser::cli
