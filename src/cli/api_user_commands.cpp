#include <fmt/format.h>

#include <apiuser/api_users.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>

#include "context.hpp"
#include "password_input.hpp"
#include "render.hpp"
#include "table.hpp"
#include "terminal.hpp"

namespace apiuser::cli {

namespace {

constexpr const char* group = "API users";

struct CreateOptions {
    std::string description;
    bool disabled = false;
    PasswordOptions password;
    bool json = false;
    bool quiet = false;
    bool dry_run = false;
};

// What `create --dry-run` would do. The username is drawn at random only when the API user is really
// created, so none is printed: not in JSON ("username": null), not in the text, and with --quiet nothing
// at all on stdout, so that a pipeline cannot take a username that will never exist for a created one.
void print_create_dry_run(Console& console, const ApiUser& user, const CreateOptions& options) {
    if (options.json) {
        print_changed_api_user_json(console, user, nullptr, true, /*hide_username=*/true);
        return;
    }
    if (options.quiet) {
        console.note("dry run: the API user would be created; nothing was written");
        return;
    }
    console.result("Would create an API user (its username is generated when it is really created)");
    console.result(fmt::format("  Description: {}", user.description));
    console.result(SafeText{"  Status:      "}.append(console.status(to_string(user.status))));
    console.result("Dry run: nothing was written.");
}

void run_create(Context& context, const CreateOptions& options) {
    auto& console = context.console();
    validate_description(options.description);
    auto& session = context.session();
    if (will_prompt(options.password)) {
        // Fail before asking a person for a password that could not be used.
        require_account_manager(session, "create API users");
    }
    const PasswordPrompt prompt{SafeText{"Password: "}, /*confirm=*/true,
                                [&session](const Secret& typed) { check_new_password(session, typed); }};
    NewApiUser request{options.description, options.disabled,
                       read_password(options.password, prompt, /*allow_generate=*/true)};
    const auto created = create_api_user(session, request, options.dry_run);
    const auto& user = created.user;
    if (created.description_in_use) {
        console.warning(fmt::format(
            "another enabled API user is already described '{}': the best practice is one API user per integrated "
            "system, so that each can be revoked alone and problems traced to one system",
            user.description));
    }
    const auto* password = created.generated_password && !options.dry_run ? &*created.generated_password : nullptr;
    if (options.dry_run) {
        print_create_dry_run(console, user, options);
        return;
    }
    if (options.json) {
        print_changed_api_user_json(console, user, password, false);
        return;
    }
    if (options.quiet) {
        console.result(user.username);
        if (password != nullptr) {
            console.secret_result("", *password);
        }
        return;
    }
    console.result(fmt::format("Created API user {}", user.username));
    console.result(fmt::format("  Description: {}", user.description));
    console.result(SafeText{"  Status:      "}.append(console.status(to_string(user.status))));
    if (password != nullptr) {
        print_generated_password(console, *password);
    }
}

struct ListOptions {
    bool all = false;
    std::string status;
    bool json = false;
};

void run_list(Context& context, const ListOptions& options) {
    auto& console = context.console();
    ApiUserFilter filter;
    filter.include_revoked = options.all;
    if (!options.status.empty()) {
        filter.status = parse_status(options.status);
    }
    if (options.json) {
        JsonArrayWriter writer{console};
        list_api_users(context.session(), filter, [&](const ApiUser& user) { writer.add(user); });
        writer.finish();
        return;
    }
    Table table{console,
                {{"USERNAME", {}},
                 {"STATUS",
                  [&console](std::string_view s) {
                      const auto end = s.find(' ');
                      return console.status(s.substr(0, end)).append(end == s.npos ? "" : s.substr(end));
                  }},
                 {"DESCRIPTION", {}},
                 {"CREATED", {}},
                 {"LAST USED", {}}}};
    list_api_users(context.session(), filter, [&](const ApiUser& user) {
        table.add({user.username, std::string{to_string(user.status)}, user.description,
                   format_timestamp(user.created_at), format_optional_time(user.last_used_at)});
    });
    table.finish();
}

struct DescribeOptions {
    std::string username;
    std::string description;
    bool set_description = false;
    bool json = false;
};

void run_describe(Context& context, const DescribeOptions& options) {
    auto& console = context.console();
    const auto user = options.set_description
                          ? set_description(context.session(), options.username, options.description)
                          : describe_api_user(context.session(), options.username);
    if (options.json) {
        console.json(to_json(user));
    } else {
        print_api_user(console, user);
    }
}

struct StatusOptions {
    std::vector<std::string> usernames;
    bool json = false;
    bool yes = false;
};

void print_status_changes(Console& console, const std::vector<StatusChange>& changes, bool json) {
    if (json) {
        auto document = Json::array();
        for (const auto& change : changes) {
            auto element = to_json(change.user);
            element["changed"] = change.changed;
            document.push_back(element);
        }
        console.json(document);
        return;
    }
    for (const auto& change : changes) {
        const auto status = to_string(change.user.status);
        console.result(SafeText{change.user.username}
                           .append("  ")
                           .append(console.status(status))
                           .append(change.changed ? "" : " (already)"));
    }
}

void run_set_enabled(Context& context, const StatusOptions& options, bool enabled) {
    print_status_changes(context.console(), set_enabled(context.session(), options.usernames, enabled), options.json);
}

void run_revoke(Context& context, const StatusOptions& options) {
    auto& console = context.console();
    auto& session = context.session();
    if (!options.yes) {
        if (!is_terminal(STDIN_FILENO)) {
            throw Error(ErrorKind::invalid_input, "revoking is permanent and there is no terminal to confirm it",
                        "add --yes to revoke without asking");
        }
        // Fail on a missing permission or an unknown name before asking, and name the users in the
        // question: only those it would revoke, and no question when they all are revoked already.
        require_account_manager(session, "revoke API users");
        SafeText question{"Revoke for good? It cannot be undone:"};
        question.separator('\n');
        bool any = false;
        for (const auto& name : options.usernames) {
            const auto user = describe_api_user(session, name);
            if (user.status != ApiUserStatus::revoked) {
                question.append(fmt::format("  {}  {}", user.username, user.description)).separator('\n');
                any = true;
            }
        }
        question.append("Type 'yes' to revoke: ");
        if (any && !confirm(question)) {
            throw Error(ErrorKind::invalid_input, "revoke not confirmed; nothing was changed",
                        "answer 'yes', or pass --yes");
        }
    }
    print_status_changes(console, revoke(session, options.usernames), options.json);
}

void add_username_arguments(CLI::App* command, StatusOptions& options) {
    command
        ->add_option("USERNAME", options.usernames, "API usernames (any case), their local parts, or their 12-hex ids")
        ->required();
    command->add_flag("--json", options.json, "Print the resulting API users as a JSON array");
}

}  // namespace

void add_api_user_commands(Commands& commands) {
    auto& app = commands.app();
    auto& context = commands.context();

    auto create_options = std::make_shared<CreateOptions>();
    auto* create = commands.add(app, "create", "Create an API user with a generated username", group,
                                "apiuser create --description \"Magento Production\" --generate-password");
    commands
        .allow_empty(create->add_option("--description", create_options->description,
                                        "What the API user is for, e.g. \"Magento Production\" (at most 255 "
                                        "characters)"))
        ->type_name("TEXT");
    create->add_flag("--disabled", create_options->disabled, "Create it disabled (it cannot authenticate yet)");
    add_password_options(*create, create_options->password, true);
    auto* create_json = create->add_flag("--json", create_options->json, "Print the new API user as JSON");
    create
        ->add_flag("--quiet,-q", create_options->quiet,
                   "Print only the username (and a generated password on the next line); with --dry-run, nothing")
        ->excludes(create_json);
    create->add_flag("--dry-run", create_options->dry_run, "Check permission, description and password; write nothing");
    commands.on_change(create, [&context, create_options] { run_create(context, *create_options); });

    auto list_options = std::make_shared<ListOptions>();
    auto* list = commands.add(app, "list", "List API users in creation order", group, "apiuser list --status disabled");
    auto* all = list->add_flag("--all,-a", list_options->all, "Include revoked API users");
    list->add_option("--status", list_options->status, "Only API users with this status")
        ->check(CLI::IsMember({"enabled", "disabled", "revoked"}).description(""))
        ->type_name("enabled|disabled|revoked")
        ->excludes(all);
    list->add_flag("--json", list_options->json, "Print a JSON array of API users");
    commands.on_run(list, [&context, list_options] { run_list(context, *list_options); });

    auto describe_options = std::make_shared<DescribeOptions>();
    auto* describe =
        commands.add(app, "describe", "Show every field of an API user, or change its description", group,
                     "apiuser describe apiuser-3f9a1c2b7d4e@apiconnector.com --description \"Dynamics CRM\"");
    describe->add_option("USERNAME", describe_options->username, username_help)->required();
    commands
        .allow_empty(describe->add_option("--description", describe_options->description,
                                          "Set the description (\"\" clears it)"))
        ->type_name("TEXT")
        ->each([describe_options](const std::string&) { describe_options->set_description = true; });
    describe->add_flag("--json", describe_options->json, "Print the API user as JSON");
    commands.on_change(describe, [&context, describe_options] { run_describe(context, *describe_options); });

    auto enable_options = std::make_shared<StatusOptions>();
    auto* enable = commands.add(app, "enable", "Let API users authenticate again (all or nothing)", group,
                                "apiuser enable apiuser-3f9a1c2b7d4e@apiconnector.com");
    add_username_arguments(enable, *enable_options);
    commands.on_change(enable, [&context, enable_options] { run_set_enabled(context, *enable_options, true); });

    auto disable_options = std::make_shared<StatusOptions>();
    auto* disable = commands.add(app, "disable", "Stop API users from authenticating (all or nothing)", group,
                                 "apiuser disable 3f9a1c2b7d4e 8b1e0c4d2a6f");
    add_username_arguments(disable, *disable_options);
    commands.on_change(disable, [&context, disable_options] { run_set_enabled(context, *disable_options, false); });

    auto revoke_options = std::make_shared<StatusOptions>();
    auto* revoke_command = commands.add(app, "revoke", "Revoke API users for good: erase their password hashes", group,
                                        "apiuser revoke --yes apiuser-3f9a1c2b7d4e@apiconnector.com");
    add_username_arguments(revoke_command, *revoke_options);
    revoke_command->add_flag("--yes,-y", revoke_options->yes,
                             "Do not ask for confirmation (needed without a terminal)");
    commands.on_change(revoke_command, [&context, revoke_options] { run_revoke(context, *revoke_options); });
}

}  // namespace apiuser::cli
