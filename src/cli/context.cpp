#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>

#include "context.hpp"

namespace apiuser::cli {

std::filesystem::path Context::store_path() const {
    if (!options_.store.empty()) {
        return options_.store;
    }
    return default_store_path(std::getenv("APIUSER_STORE"), std::getenv("XDG_DATA_HOME"), std::getenv("HOME"));
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
        options.busy_timeout = std::chrono::milliseconds{milliseconds};
    }
    return options;
}

std::string Context::actor() const {
    const uid_t uid = ::geteuid();
    if (!options_.as.empty()) {
        if (uid != 0) {
            throw Error(ErrorKind::permission_denied, "permission denied: only root may act as another member with --as",
                        "run the command without --as");
        }
        validate_login(options_.as);
        return options_.as;
    }
    std::vector<char> buffer(16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
        throw Error(ErrorKind::store, fmt::format("cannot tell who you are: uid {} has no login name", uid),
                    "run apiuser as a user with an entry in the password database");
    }
    return found->pw_name;
}

Session& Context::session() {
    if (!session_) {
        const auto actor_login = actor();
        store_.emplace(Store::open(store_path(), store_options()));
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
        throw Error(e.kind(),
                    fmt::format("{}; the change was NOT saved, so the result printed on standard output is void",
                                e.what()),
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
