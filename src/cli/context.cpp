#include "context.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <vector>

#include <fmt/format.h>
#include <linux/capability.h>
#include <pwd.h>
#include <unistd.h>

#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>

namespace apiuser::cli {

StoreLocation Context::store_location() const {
    if (!options_.store.empty()) {
        return StoreLocation::parse(options_.store);
    }
    const char* store = std::getenv("APIUSER_STORE");
    if (store != nullptr && *store == '\0') {
        throw Error(ErrorKind::invalid_input, "APIUSER_STORE is set but empty",
                    "set it to the store's path, or unset it to use the default store");
    }
    return default_store_location(store, std::getenv("XDG_DATA_HOME"), std::getenv("HOME"));
}

StoreOptions Context::store_options() const {
    StoreOptions options;
    const char* text = std::getenv("APIUSER_BUSY_TIMEOUT_MS");
    if (text != nullptr && *text != '\0') {
        const std::string_view value{text};
        long long milliseconds = -1;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), milliseconds);
        if (ec != std::errc{} || end != value.data() + value.size() || milliseconds < 0 || milliseconds > 86'400'000) {
            throw Error(ErrorKind::invalid_input,
                        "APIUSER_BUSY_TIMEOUT_MS must be a whole number of milliseconds from 0 to 86400000",
                        "unset it to use the default of 30000");
        }
        options.lock_timeout = std::chrono::milliseconds{milliseconds};
    }
    return options;
}

namespace {

// True when this process runs in the first user namespace of the system, where uid 0 and
// capabilities are real. Any other namespace maps only part of the uids, and `unshare -r` makes
// anyone root there.
bool in_initial_user_namespace() {
    std::ifstream map{"/proc/self/uid_map"};
    std::string rest;
    unsigned long long inside = 1;
    unsigned long long outside = 1;
    unsigned long long count = 0;
    return static_cast<bool>(map >> inside >> outside >> count) && inside == 0 && outside == 0 &&
           count == 4294967295ULL && !(map >> rest);
}

// True when the effective capabilities of this process include CAP_SETUID.
bool holds_cap_setuid() {
    std::ifstream status{"/proc/self/status"};
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("CapEff:")) {
            const auto mask = std::strtoull(line.c_str() + 7, nullptr, 16);
            return (mask & (1ULL << CAP_SETUID)) != 0;
        }
    }
    return false;
}

// Acting as another member is for those who could become any user anyway: root, or a holder of
// CAP_SETUID, in the initial user namespace.
bool may_act_as_anyone() {
    return in_initial_user_namespace() && (::geteuid() == 0 || holds_cap_setuid());
}

}  // namespace

std::optional<std::string> login_of(uid_t uid) {
    std::vector<char> buffer(16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
        return std::nullopt;
    }
    return std::string{found->pw_name};
}

std::string Context::actor() const {
    const uid_t uid = ::geteuid();
    const auto own = login_of(uid);
    if (!options_.as.empty() && options_.as != own) {
        if (!may_act_as_anyone()) {
            throw Error(ErrorKind::permission_denied,
                        "permission denied: only root may act as another member with --as (root of "
                        "the system, "
                        "not of a user namespace, or a process with CAP_SETUID)",
                        "run the command without --as");
        }
        validate_login(options_.as);
        return options_.as;
    }
    if (!own) {
        throw Error(ErrorKind::store, fmt::format("cannot tell who you are: uid {} has no login name", uid),
                    "run apiuser as a user with an entry in the password database");
    }
    return *own;
}

Session& Context::session() {
    if (!session_) {
        const auto actor_login = actor();
        store_.emplace(Store::open(store_location(), store_options()));
        session_.emplace(Session{*store_, actor_login, clock_, random_});
        if (holding_changes_) {
            store_->hold_commits();
        }
    }
    return *session_;
}

void Context::hold_changes() {
    holding_changes_ = true;
    console_.hold_results();
    if (store_) {
        store_->hold_commits();
    }
}

void Context::publish() {
    try {
        console_.release_results();
    } catch (...) {
        abandon();
        throw;
    }
    if (!store_) {
        return;
    }
    try {
        store_->commit_held();
    } catch (const Error& e) {
        // Rare (the write lock is already ours), but the result is out: say plainly that it does not hold.
        throw Error(
            e.kind(),
            fmt::format("{}; the change was NOT saved, so the result printed on standard output is void", e.what()),
            e.hint());
    }
}

void Context::abandon() noexcept {
    if (store_) {
        store_->roll_back_held();
    }
}

CLI::App* Commands::add(CLI::App& parent, const std::string& name, const std::string& description,
                        const std::string& group, const std::string& example) {
    auto* command = parent.add_subcommand(name, description);
    command->group(group);
    command->footer("Example:\n  " + example);
    return command;
}

CLI::Option* Commands::allow_empty(CLI::Option* option) {
    may_be_empty_.insert(option);
    return option;
}

namespace {

void reject_empty_values(CLI::App& command, const std::set<const CLI::Option*>& may_be_empty) {
    static const CLI::Validator non_empty{
        [](const std::string& value) { return value.empty() ? std::string{"must not be empty"} : std::string{}; }, "",
        "non-empty"};
    for (auto* option : command.get_options()) {
        if (option->nonpositional() && option->get_type_size_max() > 0 && !may_be_empty.contains(option)) {
            option->check(non_empty);
        }
    }
    for (auto* subcommand : command.get_subcommands([](CLI::App*) { return true; })) {
        reject_empty_values(*subcommand, may_be_empty);
    }
}

}  // namespace

bool Commands::allows_empty(std::string_view name) const {
    return name.starts_with("--") && std::any_of(may_be_empty_.begin(), may_be_empty_.end(), [&](const CLI::Option* o) {
               return o->check_lname(std::string{name.substr(2)});
           });
}

void Commands::reject_empty_values() {
    cli::reject_empty_values(app_, may_be_empty_);
}

void Commands::on_run(CLI::App* command, Action action) {
    command->callback([this, command, action = std::move(action)] {
        // A parent's callback runs after its subcommand's: the deepest command given wins.
        if (command->get_subcommands().empty()) {
            selected_ = action;
        }
    });
}

void Commands::on_change(CLI::App* command, Action action) {
    on_run(command, [this, action = std::move(action)] {
        context_.hold_changes();
        try {
            action();
        } catch (...) {
            context_.abandon();
            throw;
        }
        context_.publish();
    });
}

}  // namespace apiuser::cli
