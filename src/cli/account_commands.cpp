#include <fmt/format.h>

#include <apiuser/account.hpp>
#include <apiuser/errors.hpp>

#include "context.hpp"
#include "render.hpp"

namespace apiuser::cli {

namespace {

struct AccountOptions {
    std::string company;
    bool company_given = false;
    std::string argon2;
    bool force = false;
    bool json = false;
};

void print(Context& context, const AccountSettings& account, bool json) {
    if (json) {
        context.console().json(to_json(account));
    } else {
        print_account(context.console(), account);
    }
}

void run_show(Context& context, const AccountOptions& options) {
    print(context, show_account(context.session()), options.json);
}

void run_set(Context& context, const AccountOptions& options) {
    AccountChanges changes;
    if (options.company_given) {
        changes.company = options.company;
    }
    if (!options.argon2.empty()) {
        changes.argon2 = parse_argon2_params(options.argon2);
        changes.force_argon2 = options.force;
    }
    if (!changes.company && !changes.argon2) {
        throw Error(ErrorKind::invalid_input, "account set needs --company or --argon2",
                    "for example: apiuser account set --argon2 m=47104,t=1,p=1");
    }
    const auto account = update_account(context.session(), changes);
    if (changes.argon2) {
        warn_if_weak(context.console(), account.argon2);
        warn_if_costly(context.console(), account.argon2);
    }
    print(context, account, options.json);
}

}  // namespace

void add_account_commands(Commands& commands) {
    auto& context = commands.context();
    auto* account = commands.add(commands.app(), "account", "Show or change the account's settings", "Account",
                                 "apiuser account set --argon2 m=47104,t=1,p=1");

    auto show_options = std::make_shared<AccountOptions>();
    auto* show = commands.add(*account, "show", "Show the company, the username domain and the hashing cost",
                              "Commands", "apiuser account show --json");
    show->add_flag("--json", show_options->json, "Print the settings as JSON");
    commands.on_run(show, [&context, show_options] { run_show(context, *show_options); });

    auto set_options = std::make_shared<AccountOptions>();
    auto* set = commands.add(*account, "set", "Change the company name or the Argon2id cost of new hashes", "Commands",
                             "apiuser account set --company \"Acme Widgets Ltd\"");
    set->add_option("--company", set_options->company, "The company name (passwords may not contain it)")
        ->type_name("NAME")
        ->each([set_options](const std::string&) { set_options->company_given = true; });
    set->add_option("--argon2", set_options->argon2,
                    "Argon2id cost for new hashes; older hashes are upgraded at their next successful verify")
        ->type_name("m=KiB,t=N,p=N");
    set->add_flag("--force", set_options->force,
                  "Accept --argon2 above the budget (256 MiB; memory x iterations 1 GiB): every attempt, even "
                  "by an unknown name, costs that");
    set->add_flag("--json", set_options->json, "Print the new settings as JSON");
    commands.on_change(set, [&context, set_options] { run_set(context, *set_options); });
}

}  // namespace apiuser::cli
