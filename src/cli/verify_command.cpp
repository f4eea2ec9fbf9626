#include <fmt/format.h>
#include <unistd.h>

#include <apiuser/authenticator.hpp>
#include <apiuser/errors.hpp>

#include "context.hpp"
#include "password_input.hpp"
#include "render.hpp"

namespace apiuser::cli {

namespace {

struct VerifyOptions {
    std::string username;
    PasswordOptions password;
    bool quiet = false;
    bool json = false;
};

// Who the audit log says verified: the member acting, or the process's uid when it has no login (a
// service account in a container, say). Verification needs no membership.
std::string audit_actor(const Context& context) {
    try {
        return context.actor();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::permission_denied) {
            throw;
        }
        return fmt::format("uid:{}", ::geteuid());
    }
}

void run_verify(Context& context, const VerifyOptions& options) {
    const auto password = read_password(options.password, PasswordPrompt{}, /*allow_generate=*/false);
    Authenticator authenticator{context.store_location(), {context.store_options(), audit_actor(context), nullptr}};
    const auto result = authenticator.authenticate(options.username, password->view());
    if (result.outcome == AuthenticationOutcome::damaged_credential) {
        throw Error(ErrorKind::store, fmt::format("stored credential for {} is damaged", result.username),
                    fmt::format("give it a new password with 'apiuser passwd {}'", result.username));
    }
    if (!result) {
        // Whatever the reason (it is in the audit log), the caller learns only this.
        throw Error(ErrorKind::authentication_failed, "authentication failed");
    }
    if (options.json) {
        context.console().json(Json{{"username", result.username}, {"authenticated", true}});
    } else if (!options.quiet) {
        context.console().result(fmt::format("{}: authenticated", result.username));
    }
}

}  // namespace

void add_verify_command(Commands& commands) {
    auto options = std::make_shared<VerifyOptions>();
    auto* verify =
        commands.add(commands.app(), "verify", "Check an API user's password, as an API server would", "API users",
                     "printf '%s\\n' \"$API_PASSWORD\" | apiuser verify --password-stdin "
                     "apiuser-3f9a1c2b7d4e@apiconnector.com");
    verify->add_option("USERNAME", options->username, username_help)->required();
    add_password_options(*verify, options->password, false);
    auto* json = verify->add_flag("--json", options->json, "Print the result as JSON");
    verify->add_flag("--quiet,-q", options->quiet, "Print nothing on success: the exit status says it")->excludes(json);
    commands.on_run(verify, [&context = commands.context(), options] { run_verify(context, *options); });
}

}  // namespace apiuser::cli
