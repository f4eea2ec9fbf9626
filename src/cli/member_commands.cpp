#include <fmt/format.h>

#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>

#include "context.hpp"
#include "render.hpp"
#include "table.hpp"

namespace apiuser::cli {

namespace {

constexpr const char* group = "Members (account users)";

struct MemberOptions {
    std::string login;
    std::string email;
    bool manage_account = false;
    bool no_manage_account = false;
    bool allow_unknown_login = false;
    bool json = false;
};

std::string role(const Member& member) {
    return member.owner ? "owner" : member.can_manage_account ? "admin" : "member";
}

void run_add(Context& context, const MemberOptions& options) {
    const auto member = add_member(context.session(),
                                   {options.login, options.email, options.manage_account, options.allow_unknown_login});
    if (options.json) {
        context.console().json(to_json(member));
        return;
    }
    context.console().result(fmt::format("Added {} as {}", member.login, role(member)));
}

void run_set(Context& context, const MemberOptions& options) {
    if (!options.manage_account && !options.no_manage_account) {
        throw Error(ErrorKind::invalid_input, "member set needs --manage-account or --no-manage-account",
                    fmt::format("for example: apiuser member set {} --manage-account", options.login));
    }
    const auto change = set_member_permission(context.session(), options.login, options.manage_account);
    if (options.json) {
        auto document = to_json(change.member);
        document["changed"] = change.changed;
        context.console().json(document);
        return;
    }
    context.console().result(
        fmt::format("{} is {}{}", change.member.login, role(change.member), change.changed ? "" : " (unchanged)"));
}

void run_remove(Context& context, const MemberOptions& options) {
    remove_member(context.session(), options.login);
    context.console().result(fmt::format("Removed {}", options.login));
}

void run_list(Context& context, const MemberOptions& options) {
    auto& console = context.console();
    const auto members = list_members(context.session());
    if (options.json) {
        auto document = Json::array();
        for (const auto& member : members) {
            document.push_back(to_json(member));
        }
        console.json(document);
        return;
    }
    Table table{console, {{"LOGIN", {}}, {"ROLE", {}}, {"EMAIL", {}}, {"ADDED", {}}}};
    for (const auto& member : members) {
        table.add({member.login, role(member), member.email,
                   fmt::format("{} by {}", format_timestamp(member.added_at), member.added_by)});
    }
    table.finish();
}

void add_login(CLI::App* command, MemberOptions& options) {
    command->add_option("LOGIN", options.login, "The member's login name on this system")->required();
}

}  // namespace

void add_member_commands(Commands& commands) {
    auto& context = commands.context();
    auto* member = commands.add(commands.app(), "member", "Manage the account users who may use apiuser", group,
                                "apiuser member add alice --email alice@acme.example --manage-account");
    member->require_subcommand(0, 1);

    auto add_options = std::make_shared<MemberOptions>();
    auto* add = commands.add(*member, "add", "Add an account user (a login on this system)", "Commands",
                             "apiuser member add alice --email alice@acme.example --manage-account");
    add_login(add, *add_options);
    add->add_option("--email", add_options->email, "The member's email address, kept out of passwords")
        ->type_name("EMAIL");
    add->add_flag("--manage-account", add_options->manage_account,
                  "Grant Can manage account: create and change API users and members");
    add->add_flag("--allow-unknown-login", add_options->allow_unknown_login,
                  "Add LOGIN although this system has no such login yet (to add a member ahead of time)");
    add->add_flag("--json", add_options->json, "Print the new member as JSON");
    commands.on_change(add, [&context, add_options] { run_add(context, *add_options); });

    auto set_options = std::make_shared<MemberOptions>();
    auto* set = commands.add(*member, "set", "Grant or withdraw Can manage account", "Commands",
                             "apiuser member set alice --no-manage-account");
    add_login(set, *set_options);
    auto* grant = set->add_flag("--manage-account", set_options->manage_account, "Grant Can manage account");
    auto* withdraw =
        set->add_flag("--no-manage-account", set_options->no_manage_account, "Withdraw Can manage account");
    grant->excludes(withdraw);
    set->add_flag("--json", set_options->json, "Print the member as JSON");
    commands.on_change(set, [&context, set_options] { run_set(context, *set_options); });

    auto remove_options = std::make_shared<MemberOptions>();
    auto* remove = commands.add(*member, "remove", "Remove an account user", "Commands", "apiuser member remove bob");
    add_login(remove, *remove_options);
    commands.on_change(remove, [&context, remove_options] { run_remove(context, *remove_options); });

    auto list_options = std::make_shared<MemberOptions>();
    auto* list = commands.add(*member, "list", "List the account users and their roles", "Commands",
                              "apiuser member list --json");
    list->add_flag("--json", list_options->json, "Print a JSON array of members");
    commands.on_run(list, [&context, list_options] { run_list(context, *list_options); });
}

}  // namespace apiuser::cli
