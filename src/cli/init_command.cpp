#include <fmt/format.h>

#include <apiuser/account.hpp>

#include "context.hpp"
#include "render.hpp"

namespace apiuser::cli {

namespace {

struct InitOptions {
    std::string company;
    std::string domain{default_api_user_domain};
    std::string owner_email;
    std::string argon2;
    bool force = false;
    bool json = false;
};

void run_init(Context& context, const InitOptions& options) {
    auto& console = context.console();
    NewAccount request;
    request.company = options.company;
    request.domain = options.domain;
    request.owner_login = context.actor();
    request.owner_email = options.owner_email;
    if (!options.argon2.empty()) {
        request.argon2 = parse_argon2_params(options.argon2);
    }
    request.force_argon2 = options.force;
    const auto location = context.store_location();
    // Printed before the store is committed, so that a result that cannot be written leaves no store.
    init_account(location, request, context.clock(), context.store_options(), [&](const AccountSettings& account) {
        warn_if_weak(console, account.argon2);
        warn_if_costly(console, account.argon2);
        if (options.json) {
            auto document = to_json(account);
            document["store"] = location.display();
            console.json(document);
        } else {
            console.result(fmt::format("Created store {} for {} (API usernames @{}); owner: {}", location.display(),
                                       account.company, account.domain, account.owner));
        }
        context.publish();
    });
}

}  // namespace

void add_init_command(Commands& commands) {
    auto options = std::make_shared<InitOptions>();
    auto* init = commands.add(commands.app(), "init", "Create the store and the account, owned by you", "Store",
                              "apiuser init --company \"Acme Widgets Ltd\" --owner-email ops@acme.example");
    init->add_option("--company", options->company, "The company the account belongs to")
        ->type_name("NAME")
        ->required();
    init->add_option("--domain", options->domain, "Email domain of generated API usernames")
        ->type_name("DOMAIN")
        ->capture_default_str();
    init->add_option("--owner-email", options->owner_email, "Your email address, kept out of passwords")
        ->type_name("EMAIL");
    init->add_option("--argon2", options->argon2,
                     "Argon2id cost for password hashes (default m=19456,t=2,p=1, OWASP's recommendation)")
        ->type_name("m=KiB,t=N,p=N");
    init->add_flag("--force", options->force,
                   "Accept --argon2 above the budget (256 MiB; memory x iterations 1 GiB): every attempt, even "
                   "by an unknown name, costs that");
    init->add_flag("--json", options->json, "Print the new account as JSON");
    commands.on_change(init, [&context = commands.context(), options] { run_init(context, *options); });
}

}  // namespace apiuser::cli
