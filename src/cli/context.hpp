#pragma once

// What every command needs: the console, the global options, and a session on the store opened on first
// use (so that --help and usage errors never touch the store).

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include <CLI/CLI.hpp>
#include <sys/types.h>

#include <apiuser/clock.hpp>
#include <apiuser/random.hpp>
#include <apiuser/session.hpp>
#include <apiuser/store.hpp>

#include "console.hpp"

namespace apiuser::cli {

struct GlobalOptions {
    std::string store;  // --store PATH
    std::string as;     // --as LOGIN (root, or the caller's own login)
};

class Context {
  public:
    Context(Console& console, const GlobalOptions& options) : console_(console), options_(options) {}

    Console& console() { return console_; }

    // --store, else $APIUSER_STORE, else $XDG_DATA_HOME/apiuser/apiuser.db, else ~/.local/share/...; an
    // APIUSER_STORE set but empty is an error rather than the default store.
    StoreLocation store_location() const;

    // The busy timeout from $APIUSER_BUSY_TIMEOUT_MS, else the default.
    StoreOptions store_options() const;

    // The acting member: --as LOGIN for root of the system (or CAP_SETUID), else the login of the
    // effective uid, which --as may also name.
    std::string actor() const;

    // Opens the store and starts the session on first use.
    Session& session();

    // For a command that changes the store: keeps its printed result back and holds the store's commit, so
    // that publish() can write the whole result before committing.
    void hold_changes();
    // Writes the result kept back, then commits the change; when the write fails the change is rolled back
    // (and Error(store) thrown), so that a command either printed its result and changed the store, or
    // failed and changed nothing.
    void publish();
    // Rolls back a change held by hold_changes(), after a failure.
    void abandon() noexcept;

    const Clock& clock() const { return clock_; }
    Random& random() { return random_; }

  private:
    Console& console_;
    const GlobalOptions& options_;
    SystemClock clock_;
    SystemRandom random_;
    std::optional<Store> store_;
    std::optional<Session> session_;
    bool holding_changes_ = false;
};

// The login name of `uid` in the password database, or nullopt when it has none.
std::optional<std::string> login_of(uid_t uid);

// The help of a USERNAME argument: every way of naming an API user that the library accepts.
inline constexpr const char* username_help = "API username (any case), its local part, or its 12-hex id";

using Action = std::function<void()>;

// Builds the command tree: each command file adds its commands through this.
class Commands {
  public:
    Commands(CLI::App& app, Context& context) : app_(app), context_(context) {}

    CLI::App& app() { return app_; }
    Context& context() { return context_; }

    // Adds the command `name` under `parent`, listed under `group` in the parent's help, with `example`
    // (a realistic command line) at the end of its own help.
    CLI::App* add(CLI::App& parent, const std::string& name, const std::string& description, const std::string& group,
                  const std::string& example);

    // Runs `action` after parsing when `command` is the command given.
    void on_run(CLI::App* command, Action action);

    // Like on_run, for a command that may change the store: its result is written whole before the change
    // commits (Context::publish), and any failure leaves the store as it was.
    void on_change(CLI::App* command, Action action);

    // The action of the command given, once parsing is done; empty if none.
    Action& selected() { return selected_; }

    // Lets `option` take an empty value, to which it gives a meaning its help states ("" clears the
    // description); returns `option`.
    CLI::Option* allow_empty(CLI::Option* option);

    // Makes every option that takes a value, of every command, refuse an empty one as a usage error, but
    // those given to allow_empty(): an empty value given on purpose would otherwise read as the option left
    // out (`--as ""` as root, `--keep-old-for ""` as no overlap). Call once every command is added.
    void reject_empty_values();

    // Whether the option `name` ("--description") is one that allow_empty() was given.
    bool allows_empty(std::string_view name) const;

  private:
    CLI::App& app_;
    Context& context_;
    Action selected_;
    std::set<const CLI::Option*> may_be_empty_;
};

void add_init_command(Commands& commands);
void add_api_user_commands(Commands& commands);
void add_member_commands(Commands& commands);
void add_log_command(Commands& commands);
void add_account_commands(Commands& commands);
void add_verify_command(Commands& commands);
void add_passwd_command(Commands& commands);
// The hidden `__complete` that the shell completions call (complete_command.cpp).
void add_complete_command(Commands& commands);

}  // namespace apiuser::cli
