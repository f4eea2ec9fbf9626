#include "run.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <apiuser/errors.hpp>
#include <apiuser/password_policy.hpp>
#include <apiuser/suggestion.hpp>
#include <apiuser/version.hpp>

#include "console.hpp"
#include "context.hpp"
#include "exit_codes.hpp"

namespace apiuser::cli {

namespace {

bool colour_wanted() {
    const char* no_colour = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return (no_colour == nullptr || *no_colour == '\0') && !(term != nullptr && std::string_view{term} == "dumb");
}

// The command the user gave, deepest first: "apiuser member add" gives "add".
CLI::App* given_command(CLI::App& app) {
    CLI::App* command = &app;
    while (!command->get_subcommands().empty()) {
        command = command->get_subcommands().front();
    }
    return command;
}

// Whether the command line asks for JSON: the word --json before any "--". Looking at the words rather than
// at the parsed option keeps the answer the same when parsing fails before it reaches --json.
bool json_requested(int argc, const char* const argv[]) {
    for (int i = 1; i < argc && std::string_view{argv[i]} != "--"; ++i) {
        if (std::string_view{argv[i]} == "--json") {
            return true;
        }
    }
    return false;
}

int fail(Console& console, const Error& error, bool json) {
    const auto code = exit_code_for(error.kind());
    const auto* rejected = dynamic_cast<const PasswordRejected*>(&error);
    if (json) {
        Json document{
            {"error", error_code_name(error.kind())}, {"message", error.what()}, {"exit_code", static_cast<int>(code)}};
        if (!error.hint().empty()) {
            document["hint"] = error.hint();
        }
        if (rejected != nullptr) {
            auto& violations = document["violations"] = Json::array();
            for (const auto& v : rejected->violations()) {
                violations.push_back({{"code", rule_code(v.rule)}, {"message", v.message}});
            }
        }
        console.json_error(document);
    } else if (rejected != nullptr) {
        console.error("password rejected by the policy; nothing was changed", "");
        for (const auto& v : rejected->violations()) {
            console.detail(fmt::format("{}: {}", rule_code(v.rule), v.message));
        }
    } else {
        console.error(error.what(), error.hint());
    }
    return static_cast<int>(code);
}

// CLI11's help ends without a newline after the footer.
void print_help(std::ostream& out, const std::string& help) {
    out << help;
    if (!help.empty() && help.back() != '\n') {
        out << '\n';
    }
}

// The whole command that `command` is, as typed: "apiuser member add".
std::string command_path(const CLI::App& command) {
    std::string path = command.get_name();
    for (const auto* parent = command.get_parent(); parent != nullptr; parent = parent->get_parent()) {
        path = parent->get_name() + ' ' + path;
    }
    return path;
}

// The help of `command` with the whole command in its usage line ("Usage: apiuser member add ..."), as
// CLI11 writes it for --help. App::help() would name only "add", and would describe the command parsed
// (`help` itself) rather than `command`.
std::string help_of(const CLI::App& command) {
    return command.get_formatter()->make_help(&command, command_path(command), CLI::AppFormatMode::Normal);
}

// The command that shows the help of `command`: "apiuser help member add", or "apiuser --help".
std::string help_command_of(const CLI::App& command) {
    if (command.get_parent() == nullptr) {
        return "apiuser --help";
    }
    const auto path = command_path(command);
    return "apiuser help" + path.substr(path.find(' '));
}

// The commands a person may give under `command`, as its help lists them (hidden ones left out).
std::vector<std::string> subcommand_names(CLI::App& command) {
    std::vector<std::string> names;
    for (const auto* subcommand : command.get_subcommands([](CLI::App* c) { return !c->get_group().empty(); })) {
        names.push_back(subcommand->get_name());
    }
    return names;
}

// The long options `command` takes, with those of its parents, which it falls through to.
std::vector<std::string> option_names(const CLI::App& command) {
    std::vector<std::string> names;
    for (const auto* app = &command; app != nullptr; app = app->get_parent()) {
        for (const auto* option : app->get_options()) {
            for (const auto& name : option->get_lnames()) {
                names.push_back("--" + name);
            }
        }
    }
    return names;
}

// "did you mean 'NAME'? " when `typed` looks like a misspelt one of `names`, else nothing.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& names) {
    const auto nearest = nearest_name(typed, names);
    return nearest ? fmt::format("did you mean '{}'? ", *nearest) : std::string{};
}

// The first word of the command line, in the order typed, that no command took. (CLI11's own message
// lists them in another order.)
std::string first_unexpected_word(const CLI::App& app, int argc, const char* const argv[]) {
    const auto extras = app.remaining(true);
    for (int i = 1; i < argc; ++i) {
        if (std::find(extras.begin(), extras.end(), argv[i]) != extras.end()) {
            return argv[i];
        }
    }
    return extras.empty() ? std::string{} : extras.front();
}

// The usage error that CLI11's `error` reports, in the project's one-line form: what is wrong, the name
// probably meant, and the help of the command given.
Error usage_error(CLI::App& app, const CLI::ParseError& error, int argc, const char* const argv[]) {
    auto& command = *given_command(app);
    const auto see = fmt::format("see '{}'", help_command_of(command));
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        const auto word = first_unexpected_word(app, argc, argv);
        const auto path = command_path(command);
        if (word.starts_with('-')) {
            const auto name = word.substr(0, word.find('='));
            return Error(ErrorKind::invalid_input, fmt::format("unknown option '{}' for '{}'", name, path),
                         did_you_mean(name, option_names(command)) + see);
        }
        if (const auto names = subcommand_names(command); !names.empty()) {
            return Error(ErrorKind::invalid_input, fmt::format("unknown command '{}' for '{}'", word, path),
                         did_you_mean(word, names) + see);
        }
        return Error(ErrorKind::invalid_input, fmt::format("unexpected argument '{}' for '{}'", word, path), see);
    }
    std::string message = error.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    return Error(ErrorKind::invalid_input, message, see);
}

void print_version(Console& console, bool verbose) {
    console.result(fmt::format("apiuser {}", version));
    if (verbose) {
        for (const auto& [name, library_version] : library_versions()) {
            console.result(fmt::format("  {} {}", name, library_version));
        }
        console.result(fmt::format("  CLI11 {}", CLI11_VERSION));
    }
}

void add_help_command(Commands& commands, std::vector<std::string>& topic) {
    auto& app = commands.app();
    auto* help =
        commands.add(app, "help", "Show help for apiuser or one of its commands", "Help", "apiuser help member add");
    help->add_option("COMMAND", topic, "The command (and subcommand) to explain");
    commands.on_run(help, [&app, &topic, &console = commands.context().console()] {
        CLI::App* command = &app;
        for (const auto& name : topic) {
            try {
                command = command->get_subcommand(name);
            } catch (const CLI::Error&) {
                throw Error(ErrorKind::invalid_input, fmt::format("no command '{}'", name),
                            did_you_mean(name, subcommand_names(*command)) + "see the commands with 'apiuser --help'");
            }
        }
        print_help(console.out(), help_of(*command));
    });
}

}  // namespace

int run(int argc, const char* const argv[], std::ostream& out, std::ostream& err) {
    const bool colour = colour_wanted();
    Console console{out, err, &out == &std::cout && ::isatty(STDOUT_FILENO) == 1,
                    &err == &std::cerr && ::isatty(STDERR_FILENO) == 1, colour};
    const bool json = json_requested(argc, argv);
    console.set_json(json);
    GlobalOptions global;
    Context context{console, global};
    CLI::App app{
        "Administer the API users of an account: the machine credentials that integrations use to "
        "authenticate their calls.",
        "apiuser"};
    try {
        app.set_help_flag("--help,-h", "Show this help and exit");
        app.require_subcommand(0, 1);
        app.fallthrough();  // global options may come after the command too
        app.footer("Run 'apiuser COMMAND --help' for a command's options; 'man apiuser' for the full manual.");
        app.add_option("--store", global.store,
                       "The store file (default: $APIUSER_STORE, else $XDG_DATA_HOME/apiuser/apiuser.db, else "
                       "~/.local/share/apiuser/apiuser.db)")
            ->type_name("PATH");
        app.add_option("--as", global.as, "Act as this member (needs root, or your own login)")->type_name("LOGIN");
        bool show_version = false;
        bool verbose = false;
        app.add_flag("--version,-V", show_version, "Show the version and exit (with --verbose: library versions)");
        app.add_flag("--verbose", verbose, "With --version: also show the versions of the libraries in use");
        std::vector<std::string> help_topic;
        Commands commands{app, context};
        add_api_user_commands(commands);
        add_passwd_command(commands);
        add_verify_command(commands);
        add_member_commands(commands);
        add_account_commands(commands);
        add_init_command(commands);
        add_log_command(commands);
        add_help_command(commands, help_topic);
        add_complete_command(commands);
        commands.reject_empty_values();

        // "--store=" is an empty value given on purpose too, but CLI11 would take the next word as its value
        // (`--as= list` acting as "list"). The completions pass the word being typed, which may end so.
        for (int i = 1; i < argc && std::string_view{argv[i]} != "--" && std::string_view{argv[1]} != "__complete";
             ++i) {
            const std::string_view word{argv[i]};
            if (const auto name = word.substr(0, word.size() - 1);
                word.starts_with("--") && word.find('=') == name.size() && !commands.allows_empty(name)) {
                return fail(
                    console,
                    Error(ErrorKind::invalid_input, fmt::format("{}: must not be empty", name), "see 'apiuser --help'"),
                    json);
            }
        }
        try {
            app.parse(argc, argv);
        } catch (const CLI::CallForHelp&) {
            print_help(out, app.help());
            return static_cast<int>(ExitCode::success);
        } catch (const CLI::ParseError& e) {
            return fail(console, usage_error(app, e, argc, argv), json);
        }
        if (show_version) {
            print_version(console, verbose);
            return static_cast<int>(ExitCode::success);
        }
        if (!commands.selected()) {
            print_help(out, help_of(*given_command(app)));
            return static_cast<int>(ExitCode::success);
        }
        int code = static_cast<int>(ExitCode::success);
        try {
            commands.selected()();
        } catch (const Error& e) {
            code = fail(console, e, json);
        }
        console.flush_warnings();
        return code;
    } catch (const std::bad_alloc&) {
        console.error("out of memory", "nothing was changed");
    } catch (const std::exception& e) {
        console.error(fmt::format("internal error: {}", e.what()), "please report this as a bug");
    }
    return static_cast<int>(ExitCode::store_error);
}

int run(int argc, const char* const argv[]) {
    int code = run(argc, argv, std::cout, std::cerr);
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
        std::cerr << "apiuser: error: cannot write to standard output\n";
        if (code == 0) {
            code = static_cast<int>(ExitCode::store_error);
        }
    }
    return code;
}

}  // namespace apiuser::cli
