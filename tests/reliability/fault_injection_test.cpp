// Injected I/O faults: each write, fsync and rename system call of a command fails in turn (ENOSPC, then EIO),
// by strace's fault injection, stepping the failing call's number upward until the command runs without a
// fault. Whatever fails, the command must never report success without its change, and the store must be
// whole and hold either the old state or the new one.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expect.hpp"
#include "reliability.hpp"
#include "sandbox.hpp"

using apiuser::reliability::consistency_problems;
using apiuser::reliability::join_lines;
using apiuser::reliability::read_file;
using apiuser::reliability::report;
using apiuser::reliability::snapshot;
using apiuser::reliability::StoreSnapshot;
using apiuser::test::describe;
using apiuser::test::lines_of;
using apiuser::test::ProcessOptions;
using apiuser::test::ProcessResult;
using apiuser::test::Sandbox;
namespace fs = std::filesystem;

namespace {

// Checks that `after` is `before` plus the command's change; returns what is wrong, empty when it is.
using NewStateCheck = std::function<std::string(const StoreSnapshot& before, const StoreSnapshot& after)>;

struct Scenario {
    std::string name;
    std::vector<std::string> args;
    std::optional<std::string> input;
    std::string action;     // the audit row the change writes
    NewStateCheck changed;  // what else the change does
};

// One new audit row `action`, every older row unchanged, and whatever `changed` adds.
std::string check_new_state(const Scenario& scenario, const StoreSnapshot& before, const StoreSnapshot& after) {
    if (!before.exists) {
        return after.exists && !after.audit.empty() && after.audit.front().action == scenario.action
                   ? ""
                   : "init reported success without a whole store";
    }
    if (after.audit.size() != before.audit.size() + 1 ||
        !std::equal(before.audit.begin(), before.audit.end(), after.audit.begin())) {
        return fmt::format("expected one new audit row: {} before, {} after", before.audit.size(), after.audit.size());
    }
    if (after.audit.back().action != scenario.action) {
        return "the new audit row is " + after.audit.back().action;
    }
    return scenario.changed(before, after);
}

std::string only_user_changed(const StoreSnapshot& before, const StoreSnapshot& after, const std::string& username,
                              const std::function<bool(const apiuser::reliability::ApiUserRow&,
                                                       const apiuser::reliability::ApiUserRow&)>& expected) {
    if (after.users.size() != before.users.size() || after.account != before.account ||
        after.members != before.members) {
        return "more than " + username + " changed";
    }
    for (const auto& [name, row] : before.users) {
        if (name != username && after.users.at(name) != row) {
            return name + " changed too";
        }
    }
    return expected(before.users.at(username), after.users.at(username)) ? ""
                                                                         : username + " did not change as expected";
}

std::vector<Scenario> scenarios(const std::string& enabled, const std::string& disabled) {
    using Row = apiuser::reliability::ApiUserRow;
    const auto user_change = [](const std::string& username, std::function<bool(const Row&, const Row&)> expected) {
        return [username, expected](const StoreSnapshot& b, const StoreSnapshot& a) {
            return only_user_changed(b, a, username, expected);
        };
    };
    const NewStateCheck one_more_user = [](const StoreSnapshot& b, const StoreSnapshot& a) -> std::string {
        if (a.users.size() != b.users.size() + 1 || a.users.count(a.audit.back().target) != 1) {
            return "expected exactly one new API user, the one the audit row names";
        }
        return "";
    };
    const NewStateCheck members_changed = [](const StoreSnapshot& b, const StoreSnapshot& a) -> std::string {
        return a.members != b.members && a.users == b.users && a.account == b.account ? ""
                                                                                      : "expected a new member only";
    };
    const NewStateCheck account_changed = [](const StoreSnapshot& b, const StoreSnapshot& a) -> std::string {
        return a.account != b.account && a.users == b.users && a.members == b.members ? ""
                                                                                      : "expected the account only";
    };
    return {
        {"create --password-stdin",
         {"create", "--password-stdin", "--quiet"},
         "Inj3cted-fault!\n",
         "api_user.create",
         one_more_user},
        {"create --generate-password",
         {"create", "--generate-password", "--description", "Injected"},
         {},
         "api_user.create",
         one_more_user},
        {"disable",
         {"disable", enabled},
         {},
         "api_user.disable",
         user_change(enabled,
                     [](const Row& o, const Row& n) { return o.status == "enabled" && n.status == "disabled"; })},
        {"enable",
         {"enable", disabled},
         {},
         "api_user.enable",
         user_change(disabled, [](const Row&, const Row& n) { return n.status == "enabled"; })},
        {"revoke",
         {"revoke", "--yes", enabled},
         {},
         "api_user.revoke",
         user_change(enabled, [](const Row&, const Row& n) { return n.status == "revoked" && !n.password_hash; })},
        {"passwd --keep-old-for",
         {"passwd", enabled, "--password-stdin", "--keep-old-for", "1h"},
         "R0tated-secret!\n",
         "api_user.passwd",
         user_change(enabled,
                     [](const Row& o, const Row& n) {
                         return n.password_hash && n.password_hash != o.password_hash &&
                                n.previous_password_hash == o.password_hash;
                     })},
        {"describe --description",
         {"describe", enabled, "--description", "Renamed by fault test"},
         {},
         "api_user.set_description",
         user_change(enabled, [](const Row&, const Row& n) { return n.description == "Renamed by fault test"; })},
        {"member add",
         {"member", "add", "alice", "--manage-account", "--allow-unknown-login"},
         {},
         "member.add",
         members_changed},
        {"account set", {"account", "set", "--company", "Renamed Ltd"}, {}, "account.update", account_changed},
        {"verify (records the failure)",
         {"verify", enabled, "--password-stdin"},
         "Wr0ng-password!\n",
         "api_user.authentication_failed",
         user_change(enabled, [](const Row&, const Row&) { return true; })},
        {"init", {"init", "--company", "Fault Ltd", "--argon2", apiuser::test::fast_argon2}, {}, "account.init", {}},
    };
}

struct Totals {
    std::size_t runs = 0;
    std::size_t injected = 0;
    std::size_t failed_cleanly = 0;
    std::size_t succeeded_despite_fault = 0;
    std::size_t new_state_after_failure = 0;
};

// Runs every scenario named in `names`: each system call in turn, each failing call number from 1 up until
// the command runs without a fault. In CI each call number fails with one error, ENOSPC and EIO taking
// turns; from RELIABILITY_SCALE=2 on, with both. Not in the sanitizer build: AddressSanitizer makes system
// calls of its own (it probes memory with write(2)), so the numbering would fault the sanitizer, not apiuser.
void inject_faults(const std::vector<std::string>& names) {
    if (apiuser::reliability::sanitizer_build) {
        WARN("skipped in the sanitizer build: its own system calls would take the injected faults");
        (void)names;
        return;
    }
#ifndef APIUSER_STRACE
    WARN("skipped: strace was not found when this test was built (.ci/install-deps installs it)");
    (void)names;
#else
    // strace needs ptrace, which some containers forbid.
    if (apiuser::test::run_process({APIUSER_STRACE, "-qq", "-o", "/dev/null", "/bin/true"}, {}).exit_code != 0) {
        WARN("skipped: strace cannot trace processes here (ptrace not permitted)");
        return;
    }
    Sandbox templates;
    templates.init();
    const auto enabled = templates.create("Magento Production");
    const auto disabled = templates.create("Dynamics CRM", {"--disabled"});
    templates.create("Filler");
    templates.add_member("bob", false);
    templates.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto template_bytes = read_file(templates.store());

    const std::vector<std::string> syscalls{"write",  "pwrite64",  "fsync",     "fdatasync",
                                            "rename", "renameat2", "ftruncate", "unlink"};
    const std::vector<std::string> errors{"ENOSPC", "EIO"};
    const bool both_errors = apiuser::reliability::scale() >= 2;
    apiuser::reliability::Tally tried{"faults", "fault-injection runs (each a command with one system call failing)"};
    Totals totals;
    std::map<std::string, std::size_t> calls_by_syscall, tolerated_by_syscall;
    const auto started = std::chrono::steady_clock::now();
    std::size_t scenarios_run = 0;

    for (const auto& scenario : scenarios(enabled, disabled)) {
        if (std::find(names.begin(), names.end(), scenario.name) == names.end()) {
            continue;
        }
        ++scenarios_run;
        const bool init = scenario.args.front() == "init";
        for (const auto& syscall : syscalls) {
            for (std::size_t round = 0; round < (both_errors ? errors.size() : 1); ++round) {
                for (std::size_t n = 1;; ++n) {
                    const auto& error = errors[(both_errors ? round : n) % errors.size()];
                    Sandbox s;
                    if (!init) {
                        fs::create_directories(s.store().parent_path());
                        ::chmod(s.store().parent_path().c_str(), 0700);
                        std::ofstream{s.store(), std::ios::binary} << template_bytes;
                        ::chmod(s.store().c_str(), 0600);
                    }
                    const auto before = snapshot(s.store());
                    const auto log = s.dir() / "strace.log";
                    std::vector<std::string> argv{APIUSER_STRACE,
                                                  "-f",
                                                  "-qq",
                                                  "-o",
                                                  log.string(),
                                                  "-e",
                                                  "trace=" + syscall,
                                                  "-e",
                                                  fmt::format("inject={}:error={}:when={}", syscall, error, n),
                                                  apiuser::test::apiuser_binary()};
                    argv.insert(argv.end(), scenario.args.begin(), scenario.args.end());
                    ProcessOptions options;
                    options.env = s.environment();
                    options.input = scenario.input;
                    const auto r = apiuser::test::run_process(argv, options);
                    const bool injected = read_file(log).find("(INJECTED)") != std::string::npos;
                    ++totals.runs;
                    ++tried;
                    INFO(fmt::format("{}: {} #{} fails with {} (injected: {})\n{}", scenario.name, syscall, n, error,
                                     injected, describe(r)));
                    REQUIRE(r.signal == 0);
                    // verify answers a wrong password with exit 6 when everything works.
                    const int success_code = scenario.args.front() == "verify" ? 6 : 0;
                    const bool succeeded = r.exit_code == success_code;
                    if (!succeeded) {
                        REQUIRE(r.exit_code == 1);
                        CHECK(r.err.find("apiuser: error: ") != std::string::npos);
                    }
                    // apiuser itself must be able to open the store again, whatever was left behind.
                    if (fs::exists(s.store())) {
                        const auto listed = s.run({"list", "--all"});
                        INFO(describe(listed));
                        REQUIRE(listed.exit_code == 0);
                        const auto problems = consistency_problems(s.store());
                        INFO(join_lines(problems));
                        REQUIRE(problems.empty());
                    } else {
                        // A failed init leaves nothing behind.
                        REQUIRE_FALSE(succeeded);
                        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
                            INFO(suffix);
                            CHECK_FALSE(fs::exists(s.store().string() + suffix));
                        }
                    }
                    const auto after = snapshot(s.store());
                    const bool old_state = after == before;
                    const auto new_state_problem = check_new_state(scenario, before, after);
                    INFO("new state: " << (new_state_problem.empty() ? "yes" : new_state_problem));
                    REQUIRE((old_state || new_state_problem.empty()));
                    if (succeeded) {
                        REQUIRE(new_state_problem.empty());  // never a false success
                    } else if (!old_state) {
                        // The change is in the store although the command failed (stdout could not be written,
                        // say): then it must not claim that nothing changed.
                        ++totals.new_state_after_failure;
                        CHECK(r.err.find("nothing was changed") == std::string::npos);
                    }
                    if (injected) {
                        ++totals.injected;
                        ++calls_by_syscall[syscall];
                        if (succeeded) {
                            ++totals.succeeded_despite_fault;
                            ++tolerated_by_syscall[syscall];
                        } else {
                            ++totals.failed_cleanly;
                        }
                    } else {
                        REQUIRE(succeeded);  // no fault: the command must just work
                        break;
                    }
                }
            }
        }
    }
    REQUIRE(scenarios_run == names.size());
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto by = [](const std::map<std::string, std::size_t>& counts) {
        std::string text;
        for (const auto& [name, count] : counts) {
            text += fmt::format("{}{} {}", text.empty() ? "" : ", ", count, name);
        }
        return text.empty() ? std::string{"none"} : text;
    };
    report("faults", fmt::format("{}: {} injection points ({}) in {} runs, {:.0f} s: {} failed cleanly, {} succeeded "
                                 "despite the fault with the change whole ({}), {} failed after the change was made "
                                 "and did not claim otherwise; never a false success; the store whole and old-or-new "
                                 "every time",
                                 fmt::join(names, ", "), totals.injected, by(calls_by_syscall), totals.runs, seconds,
                                 totals.failed_cleanly, totals.succeeded_despite_fault, by(tolerated_by_syscall),
                                 totals.new_state_after_failure));
#endif
}

}  // namespace

TEST_CASE("fault injection: creating API users", "[reliability][faults]") {
    inject_faults({"create --password-stdin", "create --generate-password"});
}

TEST_CASE("fault injection: enable, disable and revoke", "[reliability][faults]") {
    inject_faults({"disable", "enable", "revoke"});
}

TEST_CASE("fault injection: passwd, verify and describe --description", "[reliability][faults]") {
    inject_faults({"passwd --keep-old-for", "verify (records the failure)", "describe --description"});
}

TEST_CASE("fault injection: init, member add and account set", "[reliability][faults]") {
    inject_faults({"init", "member add", "account set"});
}
