#include "render.hpp"

#include <fmt/format.h>

#include <apiuser/argon2_cost.hpp>

namespace apiuser::cli {

namespace {

Json optional_text(const std::string& text) {
    return text.empty() ? Json(nullptr) : Json(text);
}

void print_field(Console& console, std::string_view label, const SafeText& value) {
    console.result(SafeText{fmt::format("{:<16}", fmt::format("{}:", label))}.append(value));
}

void print_field(Console& console, std::string_view label, std::string_view value) {
    print_field(console, label, SafeText{value});
}

std::string by(std::string_view time, std::string_view actor) {
    return actor.empty() ? std::string{time} : fmt::format("{} by {}", time, actor);
}

}  // namespace

std::string format_optional_time(const std::optional<Timestamp>& t, std::string_view none) {
    return t ? format_timestamp(*t) : std::string{none};
}

void write_json(JsonWriter& json, const ApiUser& user) {
    const auto optional_time = [&json](const std::optional<Timestamp>& t) {
        t ? json.string(format_timestamp(*t)) : json.null();
    };
    json.begin_object();
    json.key("username");
    json.string(user.username);
    json.key("id");
    json.string(user.id);
    json.key("description");
    json.string(user.description);
    json.key("status");
    json.string(to_string(user.status));
    json.key("created_at");
    json.string(format_timestamp(user.created_at));
    json.key("created_by");
    json.string(user.created_by);
    json.key("updated_at");
    json.string(format_timestamp(user.updated_at));
    json.key("updated_by");
    json.string(user.updated_by);
    json.key("revoked_at");
    optional_time(user.revoked_at);
    json.key("revoked_by");
    user.revoked_by.empty() ? json.null() : json.string(user.revoked_by);
    json.key("last_used_at");
    optional_time(user.last_used_at);
    json.key("failed_attempts");
    json.integer(user.failed_attempts);
    json.key("hash");
    if (user.hash) {
        json.begin_object();
        json.key("scheme");
        json.string("argon2id");
        json.key("m");
        json.integer(user.hash->params.memory_kib);
        json.key("t");
        json.integer(user.hash->params.iterations);
        json.key("p");
        json.integer(user.hash->params.parallelism);
        json.end_object();
    } else {
        json.null();
    }
    json.key("previous_password_expires_at");
    optional_time(user.previous_password_expires_at);
    json.end_object();
}

Json to_json(const ApiUser& user) {
    // Parsed back from what write_json writes, so that the fields of an API user are defined once.
    JsonWriter json{false};
    write_json(json, user);
    return Json::parse(json.text());
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
    return {{"seq", entry.sequence},  {"at", format_timestamp(entry.at)}, {"actor", entry.actor},
            {"action", entry.action}, {"target", entry.target},           {"details", details}};
}

Json to_json(const AccountSettings& account) {
    return {{"company", account.company},
            {"domain", account.domain},
            {"owner", account.owner},
            {"created_at", format_timestamp(account.created_at)},
            {"argon2",
             {{"m", account.argon2.memory_kib}, {"t", account.argon2.iterations}, {"p", account.argon2.parallelism}}}};
}

void print_api_user(Console& console, const ApiUser& user) {
    print_field(console, "Username", user.username);
    print_field(console, "Description", user.description);
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
    print_field(console, "Company", account.company);
    print_field(console, "Domain", account.domain);
    print_field(console, "Owner", account.owner);
    print_field(console, "Created", format_timestamp(account.created_at));
    print_field(console, "Argon2id", to_string(account.argon2));
}

void print_changed_api_user_json(Console& console, const ApiUser& user, const Secret* password, bool dry_run,
                                 bool hide_username) {
    auto document = to_json(user);
    if (hide_username) {
        document["username"] = nullptr;
        document["id"] = nullptr;
    }
    if (dry_run) {
        document["dry_run"] = true;
    }
    console.json(document, password);
}

void print_generated_password(Console& console, const Secret& password) {
    console.secret_result("  Password:    ", password);
    console.result("Store this password now: it is shown only once and cannot be recovered.");
}

void warn_if_weak(Console& console, const Argon2Params& params) {
    if (below_recommended(params)) {
        console.warning(fmt::format("Argon2 parameters {} are below the recommended {}: use them only for tests",
                                    to_string(params), to_string(recommended_argon2_params)));
    }
}

// Every attempt to authenticate, also by an unknown name, costs what the setting costs: say so when that is
// more than an API server should pay.
void warn_if_costly(Console& console, const Argon2Params& params) {
    if (above_recommended(params)) {
        console.warning(fmt::format(
            "Argon2 parameters {} cost {:.1f} times the recommended {}, and {} MiB, per "
            "attempt to authenticate, also by an unknown name",
            to_string(params),
            static_cast<double>(argon2_work(params)) / static_cast<double>(argon2_work(recommended_argon2_params)),
            to_string(recommended_argon2_params), params.memory_kib / 1024));
    }
}

JsonArrayWriter::JsonArrayWriter(Console& console) : console_(console), json_(console.out_is_terminal()) {}

void JsonArrayWriter::start_element() {
    // Nothing is printed before the first element, so that a command failing early prints no half array.
    json_.text() += empty_ ? "[\n" : ",\n";
    empty_ = false;
}

void JsonArrayWriter::add(const Json& element) {
    start_element();
    json_.text() += console_.dump(element, console_.out_is_terminal());
    flush_if_full();
}

void JsonArrayWriter::add(const ApiUser& user) {
    start_element();
    write_json(json_, user);
    flush_if_full();
}

void JsonArrayWriter::flush_if_full() {
    // Printed in large blocks: one write per element would cost more than making the element.
    constexpr std::size_t block_size = 64 * 1024;
    if (json_.text().size() >= block_size) {
        console_.out().write(json_.text().data(), static_cast<std::streamsize>(json_.text().size()));
        json_.text().clear();
    }
}

void JsonArrayWriter::finish() {
    json_.text() += empty_ ? "[]\n" : "\n]\n";
    console_.out().write(json_.text().data(), static_cast<std::streamsize>(json_.text().size()));
    json_.text().clear();
}

}  // namespace apiuser::cli
