// Crashes: apiuser killed with SIGKILL at random moments of create, enable/disable, revoke and passwd. After
// each kill the store must be whole and hold either the state before the command or the state after it,
// every change with its audit row and no audit row without its change; every username printed by a create
// that exited 0 must still be there at the end.

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <signal.h>

#include "expect.hpp"
#include "reliability.hpp"
#include "sandbox.hpp"

using apiuser::reliability::ApiUserRow;
using apiuser::reliability::Child;
using apiuser::reliability::consistency_problems;
using apiuser::reliability::join_lines;
using apiuser::reliability::piped_stdin;
using apiuser::reliability::report;
using apiuser::reliability::scaled;
using apiuser::reliability::snapshot;
using apiuser::reliability::StoreSnapshot;
using apiuser::test::describe;
using apiuser::test::lines_of;
using apiuser::test::ProcessResult;
using apiuser::test::Sandbox;

namespace {

using Clock = std::chrono::steady_clock;

enum class Operation { create, enable, disable, revoke, passwd };

const char* name_of(Operation op) {
    switch (op) {
        case Operation::create:
            return "create";
        case Operation::enable:
            return "enable";
        case Operation::disable:
            return "disable";
        case Operation::revoke:
            return "revoke";
        case Operation::passwd:
            return "passwd";
    }
    return "?";
}

struct Command {
    Operation op;
    std::vector<std::string> args;
    std::optional<std::string> input;
    std::string target;  // the API user changed; empty for create
};

// What one command may have done: nothing, or exactly its own change with exactly one new audit row.
// Returns a description of what is wrong; empty when `after` is `before` or `before` plus this change.
std::string check_transition(const Command& command, const StoreSnapshot& before, const StoreSnapshot& after,
                             bool must_be_new, const std::string& printed_username) {
    if (after == before) {
        if (must_be_new) {
            // A status change to the status the user already has succeeds without changing anything.
            const auto it = before.users.find(command.target);
            const bool no_op =
                it != before.users.end() && ((command.op == Operation::enable && it->second.status == "enabled") ||
                                             (command.op == Operation::disable && it->second.status == "disabled") ||
                                             (command.op == Operation::revoke && it->second.status == "revoked"));
            if (!no_op) {
                return "the command succeeded but the store holds the old state";
            }
        }
        return printed_username.empty() ? "" : "create printed " + printed_username + " but nothing was written";
    }
    if (after.account != before.account || after.members != before.members) {
        return "the account or the members changed";
    }
    if (after.audit.size() != before.audit.size() + 1 ||
        !std::equal(before.audit.begin(), before.audit.end(), after.audit.begin())) {
        return fmt::format("expected exactly one new audit row: {} before, {} after", before.audit.size(),
                           after.audit.size());
    }
    const auto& row = after.audit.back();
    if (row.action != std::string{"api_user."} + name_of(command.op)) {
        return "the new audit row is " + row.action;
    }
    if (command.op == Operation::create) {
        if (after.users.size() != before.users.size() + 1) {
            return "a create changed the number of users by other than one";
        }
        for (const auto& [username, user] : before.users) {
            if (after.users.count(username) == 0 || after.users.at(username) != user) {
                return "a create changed " + username;
            }
        }
        if (after.users.count(row.target) == 0) {
            return "the creation row names " + row.target + ", which does not exist";
        }
        if (!printed_username.empty() && printed_username != row.target) {
            return "create printed " + printed_username + " but created " + row.target;
        }
        return "";
    }
    if (row.target != command.target) {
        return "the audit row names " + row.target + " instead of " + command.target;
    }
    for (const auto& [username, user] : before.users) {
        if (username != command.target && after.users.at(username) != user) {
            return "a change to " + command.target + " also changed " + username;
        }
    }
    if (after.users.size() != before.users.size()) {
        return "a change to one user changed the number of users";
    }
    const ApiUserRow& old_row = before.users.at(command.target);
    const ApiUserRow& new_row = after.users.at(command.target);
    switch (command.op) {
        case Operation::enable:
        case Operation::disable: {
            const std::string wanted = command.op == Operation::enable ? "enabled" : "disabled";
            if (new_row.status != wanted || new_row.password_hash != old_row.password_hash) {
                return command.target + " should be just " + wanted + " now";
            }
            return "";
        }
        case Operation::revoke:
            if (new_row.status != "revoked" || new_row.password_hash || new_row.previous_password_hash) {
                return command.target + " should be revoked with its hashes erased";
            }
            return "";
        case Operation::passwd:
            if (new_row.status != old_row.status || !new_row.password_hash ||
                new_row.password_hash == old_row.password_hash) {
                return command.target + " should have a new hash and the same status";
            }
            return "";
        case Operation::create:
            break;
    }
    return "";
}

class CommandChooser {
  public:
    explicit CommandChooser(std::mt19937_64& random) : random_(random) {}

    Command next(const StoreSnapshot& state) {
        std::vector<std::string> live;
        for (const auto& [username, user] : state.users) {
            if (user.status != "revoked") {
                live.push_back(username);
            }
        }
        const auto roll = random_() % 100;
        if (live.size() < 3 || roll < 35) {
            if (random_() % 2 == 0) {
                return {
                    Operation::create, {"create", "--generate-password", "--quiet", "--description", "crash"}, {}, {}};
            }
            return {Operation::create, {"create", "--password-stdin", "--quiet"}, "Cr4sh-test-pw!\n", {}};
        }
        const auto& target = live[random_() % live.size()];
        if (roll < 55) {
            return {Operation::disable, {"disable", target}, {}, target};
        }
        if (roll < 75) {
            return {Operation::enable, {"enable", target}, {}, target};
        }
        if (roll < 83) {
            return {Operation::revoke, {"revoke", "--yes", target}, {}, target};
        }
        if (random_() % 2 == 0) {
            return {Operation::passwd, {"passwd", target, "--generate-password", "--quiet"}, {}, target};
        }
        return {Operation::passwd,
                {"passwd", target, "--password-stdin", "--keep-old-for", "1h"},
                fmt::format("N3w-pw-{}!\n", random_() % 1'000'000),
                target};
    }

  private:
    std::mt19937_64& random_;
};

struct RunOutcome {
    ProcessResult result;
    bool killed = false;
};

// Runs `command`, killing it with SIGKILL after `delay` unless it has ended by then.
RunOutcome run_and_kill(const Sandbox& s, const Command& command, std::chrono::microseconds delay) {
    std::vector<std::string> argv{apiuser::test::apiuser_binary()};
    argv.insert(argv.end(), command.args.begin(), command.args.end());
    Child child{argv, piped_stdin(s.environment(), command.input.has_value())};
    if (command.input) {
        child.write_stdin(*command.input);
        child.close_stdin();
    }
    // The kill time is the point of the test, chosen at random: there is no condition to wait for instead.
    std::this_thread::sleep_for(delay);
    child.signal(SIGKILL);
    RunOutcome outcome;
    outcome.result = child.wait();
    outcome.killed = outcome.result.signal == SIGKILL;
    return outcome;
}

// How long each kind of command usually takes here, uninterrupted, so that kills can be spread over its
// whole run.
std::map<Operation, std::chrono::microseconds> typical_durations(const Sandbox& s, CommandChooser& chooser) {
    std::map<Operation, std::vector<std::chrono::microseconds>> durations;
    for (int i = 0; i < 60 && (durations.size() < 5 || i < 30); ++i) {
        const auto command = chooser.next(snapshot(s.store()));
        const auto started = Clock::now();
        const auto r = s.run(command.args, command.input);
        durations[command.op].push_back(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started));
        INFO(describe(r));
        REQUIRE(r.exit_code == 0);
    }
    std::map<Operation, std::chrono::microseconds> medians;
    for (auto& [op, times] : durations) {
        std::sort(times.begin(), times.end());
        medians[op] = times[times.size() / 2];
    }
    return medians;
}

}  // namespace

TEST_CASE("crash: SIGKILL at random moments of create, enable, disable, revoke and passwd loses nothing",
          "[reliability][crash]") {
    const std::size_t kills_wanted = scaled(500, 60);
    std::mt19937_64 random{apiuser::reliability::seed()};
    CommandChooser chooser{random};
    Sandbox s;
    s.init();
    const auto typical_by_operation = typical_durations(s, chooser);

    std::set<std::string> printed;  // every username a successful create printed: all must survive to the end
    std::map<std::string, std::size_t> kills_by_command;
    std::size_t kills = 0, completed = 0, kills_that_changed = 0;
    const auto started = Clock::now();
    while (kills < kills_wanted) {
        const auto before = snapshot(s.store());
        const auto command = chooser.next(before);
        // Anywhere from before exec to the usual end of the command; half of the kills in its last 40%, where
        // the transaction and the fsyncs are.
        const auto it = typical_by_operation.find(command.op);
        const auto typical = it != typical_by_operation.end() ? it->second : typical_by_operation.begin()->second;
        const auto span = static_cast<std::uint64_t>(typical.count()) + 1;
        const auto earliest = random() % 2 == 0 ? 0 : static_cast<std::uint64_t>(typical.count()) * 6 / 10;
        const auto delay =
            std::chrono::microseconds{static_cast<std::int64_t>(earliest + random() % (span - earliest))};
        const auto outcome = run_and_kill(s, command, delay);
        const auto& r = outcome.result;
        INFO(fmt::format("{} after {} us (typical {} us), seed {}\n{}", fmt::join(command.args, " "), delay.count(),
                         typical.count(), apiuser::reliability::seed(), describe(r)));
        if (outcome.killed) {
            ++kills;
            ++kills_by_command[name_of(command.op)];
        } else {
            ++completed;
            REQUIRE(r.exit_code == 0);
        }
        std::string username;
        if (command.op == Operation::create && !r.out.empty()) {
            // The whole result is written just before the commit, so that a failed write changes nothing: a
            // create killed between the two printed a username that was never created, but it never exited 0,
            // and only a successful exit vouches for what was printed.
            const auto lines = lines_of(r.out);
            REQUIRE(!lines.empty());
            username = lines[0];
            if (!outcome.killed) {
                printed.insert(username);
            }
        }
        // apiuser itself must cope with whatever the kill left (a hot WAL, a stale lock).
        const auto listed = s.run({"list", "--all", "--json"});
        INFO(describe(listed));
        REQUIRE(listed.exit_code == 0);
        const auto problems = consistency_problems(s.store());
        INFO(join_lines(problems));
        REQUIRE(problems.empty());
        const auto after = snapshot(s.store());
        const auto transition = check_transition(command, before, after, !outcome.killed,
                                                 outcome.killed && after == before ? "" : username);
        INFO(transition);
        REQUIRE(transition.empty());
        if (outcome.killed && !(after == before)) {
            ++kills_that_changed;
        }
    }
    const auto final_state = snapshot(s.store());
    for (const auto& username : printed) {
        INFO(username);
        CHECK(final_state.users.count(username) == 1);
    }
    const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::string by_command;
    for (const auto& [name, count] : kills_by_command) {
        by_command += fmt::format("{}{} {}", by_command.empty() ? "" : ", ", count, name);
    }
    report("crash", fmt::format("{} SIGKILLs survived ({}) and {} runs that finished first, in {:.1f} s; {} kills "
                                "landed after the commit; {} printed usernames all present; integrity ok and "
                                "state old-or-new after every kill; 0 data lost",
                                kills, by_command, completed, seconds, kills_that_changed, printed.size()));
}
