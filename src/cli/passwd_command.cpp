#include <fmt/format.h>

#include <apiuser/api_users.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>
#include <apiuser/password_rotation.hpp>

#include "context.hpp"
#include "password_input.hpp"
#include "render.hpp"

namespace apiuser::cli {

namespace {

struct PasswdOptions {
    std::string username;
    PasswordOptions password;
    std::string keep_old_for;
    bool dry_run = false;
    bool json = false;
    bool quiet = false;
};

void run_passwd(Context& context, const PasswdOptions& options) {
    auto& console = context.console();
    PasswordChange change;
    if (!options.keep_old_for.empty()) {
        change.keep_old_for = parse_duration(options.keep_old_for);
        if (!change.keep_old_for) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format("invalid duration '{}' for --keep-old-for", options.keep_old_for),
                        "give a whole number and a unit s, m, h or d, for example 24h (at most 30d)");
        }
    }
    auto& session = context.session();
    PasswordPrompt prompt{SafeText{}, /*confirm=*/true, [&session, &options](const Secret& typed) {
                              check_new_password(session, typed, options.username);
                          }};
    if (will_prompt(options.password)) {
        // Fail before asking a person for a password that could not be used, and say whose it will
        // be.
        require_account_manager(session, "change API users' passwords");
        prompt.question =
            SafeText{fmt::format("New password for {}: ", describe_api_user(session, options.username).username)};
    }
    change.password = read_password(options.password, prompt, /*allow_generate=*/true);
    const auto changed = change_password(session, options.username, change, options.dry_run);
    const auto* password = changed.generated_password && !options.dry_run ? &*changed.generated_password : nullptr;
    if (options.json) {
        print_changed_api_user_json(console, changed.user, password, options.dry_run);
        return;
    }
    if (options.quiet) {
        if (password != nullptr) {
            console.secret_result("", *password);
        } else if (options.dry_run) {
            console.note("dry run: the password would be changed; nothing was written");
        }
        return;
    }
    console.result(
        fmt::format("{} the password of {}", options.dry_run ? "Would change" : "Changed", changed.user.username));
    if (changed.user.previous_password_expires_at) {
        console.result(fmt::format("  The old password {} working until {}.", options.dry_run ? "would keep" : "keeps",
                                   format_timestamp(*changed.user.previous_password_expires_at)));
    }
    if (password != nullptr) {
        print_generated_password(console, *password);
    }
    if (options.dry_run) {
        console.result("Dry run: nothing was written.");
    }
}

}  // namespace

void add_passwd_command(Commands& commands) {
    auto options = std::make_shared<PasswdOptions>();
    auto* passwd = commands.add(
        commands.app(), "passwd", "Give an API user a new password, optionally keeping the old one a while",
        "API users", "apiuser passwd apiuser-3f9a1c2b7d4e@apiconnector.com --generate-password --keep-old-for 24h");
    passwd->add_option("USERNAME", options->username, username_help)->required();
    add_password_options(*passwd, options->password, true);
    passwd
        ->add_option("--keep-old-for", options->keep_old_for,
                     "Keep the old password working for DURATION (s, m, h or d; at most 30d) so the integration "
                     "can switch without downtime")
        ->type_name("DURATION");
    passwd->add_flag("--dry-run", options->dry_run, "Check permission and password; write nothing");
    auto* json = passwd->add_flag("--json", options->json, "Print the API user (and a generated password) as JSON");
    passwd->add_flag("--quiet,-q", options->quiet, "Print only a generated password")->excludes(json);
    commands.on_change(passwd, [&context = commands.context(), options] { run_passwd(context, *options); });
}

}  // namespace apiuser::cli
