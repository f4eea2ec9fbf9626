// The hidden `apiuser __complete -- WORD... CURRENT` that the shell completions in completions/ call on
// every Tab press. WORDs are the words typed after "apiuser" and before the cursor, CURRENT the (maybe
// empty) word being completed. It prints what may replace CURRENT, one candidate a line, each optionally
// followed by a tab and a description; or the single line ":file" when a file path is wanted, for the
// shell to complete.
//
// It walks the same command tree that parses the real command line, so that completion cannot drift from
// the commands. It never prints an error, never prompts and never writes: on any problem (no store, not
// a member, a busy store) it simply offers no names.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <apiuser/completion.hpp>
#include <apiuser/members.hpp>

#include "context.hpp"

namespace apiuser::cli {

namespace {

using namespace std::chrono_literals;

constexpr std::string_view file_directive = ":file";

// A person is waiting on every Tab press: a store another process is migrating yields no names rather
// than a pause.
constexpr auto completion_busy_timeout = 100ms;

struct Candidate {
    std::string value;
    std::string description;
};

// Usernames and ids are ASCII, and a person may type them in any case.
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && starts_with_ignoring_case(a, b);
}

bool hidden(const CLI::App* command) {
    return command->get_group().empty();
}

// A flag is an option that expects no value (CLI11 still gives it a type size of one).
bool takes_value(const CLI::Option* option) {
    return option->get_items_expected_max() > 0;
}

// The option `name` ("--store", "-q") as `command` parses it: its own, else (CLI11's fallthrough) a
// parent's.
const CLI::Option* find_option(const CLI::App* command, const std::string& name) {
    for (; command != nullptr; command = command->get_parent()) {
        const auto* option = command->get_option_no_throw(name);
        if (option != nullptr && option->nonpositional()) {
            return option;
        }
    }
    return nullptr;
}

const CLI::App* find_subcommand(const CLI::App* command, std::string_view name) {
    for (const auto* subcommand : command->get_subcommands([](const CLI::App*) { return true; })) {
        if (subcommand->get_name() == name && !hidden(subcommand)) {
            return subcommand;
        }
    }
    return nullptr;
}

// The values an option accepts when it lists them: in its type name ("enabled|disabled|revoked") or in
// CLI::IsMember's description ("{enabled,disabled,revoked}").
std::vector<std::string> choices_of(const CLI::Option* option) {
    const std::string type = option->get_type_name();
    std::string list;
    char separator = '|';
    if (const auto open = type.find(":{"); open != std::string::npos && type.back() == '}') {
        list = type.substr(open + 2, type.size() - open - 3);
        separator = ',';
    } else if (type.find('|') != std::string::npos) {
        list = type.substr(0, type.find(':'));
    }
    std::vector<std::string> choices;
    std::size_t start = 0;
    while (!list.empty() && start <= list.size()) {
        const auto end = std::min(list.find(separator, start), list.size());
        choices.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    return choices;
}

// What the words before the cursor say: the command given, the options used, the positionals, and the
// store and member they name.
struct Line {
    const CLI::App* command = nullptr;
    std::vector<const CLI::Option*> used;
    std::vector<std::string> positionals;
    const CLI::Option* awaiting_value = nullptr;  // the last word is an option still missing its value
    bool only_positionals = false;                // after "--"
    GlobalOptions globals;                        // --store and --as, to read the store the command would
};

void note_value(Line& line, const CLI::Option* option, const std::string& value) {
    if (option->check_name("--store")) {
        // The shell has not expanded a tilde in a word still being typed.
        const char* home = std::getenv("HOME");
        line.globals.store = value.starts_with("~/") && home != nullptr ? home + value.substr(1) : value;
    } else if (option->check_name("--as")) {
        line.globals.as = value;
    }
}

Line read_line(const CLI::App& app, const std::vector<std::string>& words) {
    Line line;
    line.command = &app;
    for (const auto& word : words) {
        if (line.awaiting_value != nullptr) {
            note_value(line, line.awaiting_value, word);
            line.awaiting_value = nullptr;
        } else if (!line.only_positionals && word == "--") {
            line.only_positionals = true;
        } else if (!line.only_positionals && word.size() > 1 && word.front() == '-') {
            const auto equals = word.find('=');
            const auto* option = find_option(line.command, word.substr(0, equals));
            if (option == nullptr) {
                continue;
            }
            line.used.push_back(option);
            if (takes_value(option)) {
                if (equals == std::string::npos) {
                    line.awaiting_value = option;
                } else {
                    note_value(line, option, word.substr(equals + 1));
                }
            }
        } else if (const auto* subcommand = line.positionals.empty() && !line.only_positionals
                                                ? find_subcommand(line.command, word)
                                                : nullptr) {
            line.command = subcommand;
        } else {
            line.positionals.push_back(word);
        }
    }
    return line;
}

class Completer {
  public:
    Completer(const CLI::App& app, Console& console, const std::vector<std::string>& words)
        : app_(app),
          console_(console),
          line_(read_line(app, {words.begin(), words.end() - 1})),
          current_(words.back()) {}

    // Returns the candidates for the current word.
    std::vector<Candidate> complete() {
        const auto equals = current_.find('=');
        if (line_.awaiting_value != nullptr) {
            complete_value(line_.awaiting_value, current_);
        } else if (!line_.only_positionals && current_.starts_with("--") && equals != std::string::npos) {
            if (const auto* option = find_option(line_.command, current_.substr(0, equals))) {
                complete_value(option, current_.substr(equals + 1));
            }
        } else if (!line_.only_positionals && current_.starts_with("-")) {
            complete_options();
        } else if (line_.positionals.empty() && !line_.only_positionals && has_subcommands(line_.command)) {
            complete_subcommands(line_.command);
        } else if (!complete_positional() && !line_.only_positionals) {
            complete_options();
        }
        return std::move(candidates_);
    }

  private:
    void offer(std::string value, std::string description = {}) {
        candidates_.push_back({std::move(value), std::move(description)});
    }

    static bool has_subcommands(const CLI::App* command) {
        return !command->get_subcommands([](const CLI::App* c) { return !hidden(c); }).empty();
    }

    void complete_subcommands(const CLI::App* command) {
        for (const auto* subcommand : command->get_subcommands([](const CLI::App* c) { return !hidden(c); })) {
            if (subcommand->get_name().starts_with(current_)) {
                offer(subcommand->get_name(), subcommand->get_description());
            }
        }
    }

    // Whether `option` may still be given: not yet used, and not excluded by an option that was.
    bool still_allowed(const CLI::Option* option) const {
        return std::none_of(line_.used.begin(), line_.used.end(), [option](const CLI::Option* used) {
            const auto& excluded = used->get_excludes();
            return used == option || std::any_of(excluded.begin(), excluded.end(),
                                                 [option](const CLI::Option* e) { return e == option; });
        });
    }

    // The long options of the command given, then those of its parents (which CLI11 accepts after it).
    void complete_options() {
        for (const auto* command = line_.command; command != nullptr; command = command->get_parent()) {
            for (const auto* option : command->get_options([](const CLI::Option* o) { return o->nonpositional(); })) {
                if (!still_allowed(option)) {
                    continue;
                }
                for (const auto& name : option->get_lnames()) {
                    auto value = "--" + name;
                    const bool offered = std::any_of(candidates_.begin(), candidates_.end(),
                                                     [&](const Candidate& c) { return c.value == value; });
                    if (value.starts_with(current_) && !offered) {  // every command has its own --help
                        offer(std::move(value), option->get_description());
                    }
                }
            }
        }
    }

    void complete_value(const CLI::Option* option, std::string_view prefix) {
        if (option->get_type_name().starts_with("PATH")) {
            candidates_ = {{std::string{file_directive}, {}}};
            return;
        }
        for (auto& choice : choices_of(option)) {
            if (choice.starts_with(prefix)) {
                offer(std::move(choice));
            }
        }
        if (line_.command->get_name() == "log" && option->check_name("--target")) {
            complete_audit_targets(prefix);
        }
    }

    // The positional the current word fills, by the position it is at; false when the command takes no
    // more.
    bool complete_positional() {
        auto before = line_.positionals.size();
        for (const auto* positional :
             line_.command->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
            const auto capacity = static_cast<std::size_t>(positional->get_items_expected_max());
            if (before >= capacity) {
                before -= capacity;
                continue;
            }
            const auto& name = positional->get_name();
            if (name == "USERNAME") {
                complete_api_users(statuses_for(line_.command->get_name()), current_);
            } else if (name == "LOGIN" && line_.command->get_name() != "add") {
                // `member add` names a login that is, by definition, not a member yet.
                complete_members(current_);
            } else if (name == "COMMAND") {
                complete_help_topic();
            }
            return true;
        }
        return false;
    }

    // The API users each command can act on: offering others would only lead to an error.
    static std::vector<ApiUserStatus> statuses_for(std::string_view command) {
        if (command == "enable") {
            return {ApiUserStatus::disabled};
        }
        if (command == "disable") {
            return {ApiUserStatus::enabled};
        }
        return {ApiUserStatus::enabled, ApiUserStatus::disabled};
    }

    // `apiuser help member <Tab>` offers member's subcommands.
    void complete_help_topic() {
        const CLI::App* command = &app_;
        for (const auto& name : line_.positionals) {
            command = find_subcommand(command, name);
            if (command == nullptr) {
                return;
            }
        }
        complete_subcommands(command);
    }

    void complete_audit_targets(std::string_view prefix) {
        complete_api_users({ApiUserStatus::enabled, ApiUserStatus::disabled, ApiUserStatus::revoked}, prefix);
        complete_members(prefix);
        if (std::string_view{"account"}.starts_with(prefix)) {
            offer("account", "the account's settings");
        }
    }

    // Each API user once: by username, or by id when that is what the person started typing. Names already
    // on the line are left out.
    void complete_api_users(const std::vector<ApiUserStatus>& statuses, std::string_view prefix) {
        auto* session = open_session();
        if (session == nullptr) {
            return;
        }
        const auto& given = line_.positionals;
        for_each_api_user_name(*session, statuses, prefix, [&](const ApiUserName& user) {
            if (std::any_of(given.begin(), given.end(), [&](const std::string& name) {
                    return equals_ignoring_case(name, user.id) || equals_ignoring_case(name, user.username);
                })) {
                return;
            }
            offer(starts_with_ignoring_case(user.username, prefix) ? user.username : user.id, user.description);
        });
    }

    // Members that a command can change: everyone but the owner, who can be neither demoted nor removed.
    void complete_members(std::string_view prefix) {
        auto* session = open_session();
        if (session == nullptr) {
            return;
        }
        for (const auto& member : list_members(*session)) {
            if (!member.owner && member.login.starts_with(prefix)) {
                offer(member.login, may_manage_account(member) ? "admin" : "member");
            }
        }
    }

    // The session the command on the line would use, opened once; null when there is none to be had.
    Session* open_session() {
        if (!session_) {
            Context context{console_, line_.globals};
            StoreOptions options;
            options.lock_timeout = completion_busy_timeout;
            options.read_only = true;  // pressing Tab must never upgrade or otherwise write the store
            store_.emplace(Store::open(context.store_location(), options));
            session_.emplace(Session{*store_, context.actor(), clock_, random_});
        }
        return &*session_;
    }

    const CLI::App& app_;
    Console& console_;
    Line line_;
    std::string current_;
    std::vector<Candidate> candidates_;
    SystemClock clock_;
    SystemRandom random_;
    std::optional<Store> store_;
    std::optional<Session> session_;
};

}  // namespace

void add_complete_command(Commands& commands) {
    auto words = std::make_shared<std::vector<std::string>>();
    // An empty group keeps it out of every help text: it is for the completion scripts, not for people.
    auto* complete = commands.add(commands.app(), "__complete", "Print completions for a command line", "",
                                  "apiuser __complete -- member set ''");
    complete->add_option("WORD", *words, "The words after 'apiuser', the last one being completed");
    commands.on_run(complete, [&app = commands.app(), &console = commands.context().console(), words] {
        if (words->empty()) {
            words->emplace_back();
        }
        std::vector<Candidate> candidates;
        try {
            candidates = Completer{app, console, *words}.complete();
        } catch (...) {
            // Completion is a courtesy: whatever failed, the person at the shell sees no error.
            candidates.clear();
        }
        for (const auto& candidate : candidates) {
            // The value and its description, each escaped, around the tab that the scripts split on.
            SafeText line{candidate.value};
            if (!candidate.description.empty()) {
                line.separator('\t').append(candidate.description);
            }
            console.result(line);
        }
    });
}

}  // namespace apiuser::cli
