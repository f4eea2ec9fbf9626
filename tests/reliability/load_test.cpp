// Load: many apiuser processes on one store at once, as parallel pipeline jobs run them. Nothing may fail,
// nothing may be lost, and a writer that waits too long gets a clear "store is busy", not a hang.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "expect.hpp"
#include "reliability.hpp"
#include "sandbox.hpp"

using apiuser::reliability::consistency_problems;
using apiuser::reliability::integrity_check;
using apiuser::reliability::join_lines;
using apiuser::reliability::report;
using apiuser::reliability::scaled;
using apiuser::test::describe;
using apiuser::test::lines_of;
using apiuser::test::ProcessOptions;
using apiuser::test::ProcessResult;
using apiuser::test::Sandbox;
using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

// Lets a group of threads start together.
class StartLine {
  public:
    explicit StartLine(std::size_t runners) : waiting_(runners) {}
    void arrive_and_wait() {
        std::unique_lock lock{mutex_};
        if (--waiting_ == 0) {
            go_.notify_all();
            return;
        }
        go_.wait(lock, [this] { return waiting_ == 0; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable go_;
    std::size_t waiting_;
};

// Failed runs, kept for the report at the end (Catch's assertions are not thread-safe).
class Failures {
  public:
    void add(const std::string& what, const ProcessResult& r) {
        std::lock_guard lock{mutex_};
        failures_.push_back(what + "\n" + describe(r));
    }
    std::vector<std::string> all() const {
        std::lock_guard lock{mutex_};
        return failures_;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> failures_;
};

std::size_t count_rows(const Sandbox& s, const std::string& sql) {
    SQLite::Database db{s.store().string(), SQLite::OPEN_READONLY};
    return static_cast<std::size_t>(db.execAndGet(sql).getInt64());
}

}  // namespace

TEST_CASE("load: 32 processes create 25 API users each while others list, describe and disable",
          "[reliability][load]") {
    const std::size_t writers = 32;
    const std::size_t per_writer = scaled(25, 4);
    const std::size_t readers = 4;
    Sandbox s;
    s.init();
    const auto seed_user = s.create("seed");  // something to describe before the first creates land

    Failures failures;
    std::mutex created_mutex;
    std::vector<std::string> created;
    std::atomic<std::size_t> writers_done{0};
    std::atomic<std::size_t> reader_ops{0};
    std::atomic<std::size_t> disables_changed{0};
    StartLine start{writers + readers};
    const auto started = Clock::now();

    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            start.arrive_and_wait();
            for (std::size_t i = 0; i < per_writer; ++i) {
                const auto args =
                    i % 2 == 0 ? std::vector<std::string>{"create", "--description", fmt::format("writer {} #{}", w, i),
                                                          "--generate-password", "--quiet"}
                               : std::vector<std::string>{"create", "--password-stdin", "--quiet"};
                const auto r = s.run(args, i % 2 == 0 ? std::nullopt : std::optional<std::string>{"L0ad-test-pw!\n"});
                const auto lines = lines_of(r.out);
                if (r.exit_code != 0 || lines.empty() || !r.err.empty()) {
                    failures.add("create", r);
                    continue;
                }
                std::lock_guard lock{created_mutex};
                created.push_back(lines[0]);
            }
            ++writers_done;
        });
    }
    for (std::size_t reader = 0; reader < readers; ++reader) {
        threads.emplace_back([&, reader] {
            std::mt19937_64 random{apiuser::reliability::seed() + reader};
            start.arrive_and_wait();
            for (std::size_t op = 0; writers_done < writers; ++op) {
                std::string target = seed_user;
                {
                    std::lock_guard lock{created_mutex};
                    if (!created.empty()) {
                        target = created[random() % created.size()];
                    }
                }
                ProcessResult r;
                std::string what;
                switch (op % 3) {
                    case 0:
                        what = "list";
                        r = s.run({"list", "--all", "--json"});
                        if (r.exit_code == 0 && json::parse(r.out, nullptr, false).is_discarded()) {
                            r.exit_code = -2;  // a torn read
                        }
                        break;
                    case 1:
                        what = "describe";
                        r = s.run({"describe", target, "--json"});
                        break;
                    default:
                        what = "disable";
                        r = s.run({"disable", target, "--json"});
                        if (r.exit_code == 0) {
                            const auto changes = json::parse(r.out, nullptr, false);
                            if (!changes.is_array() || changes.size() != 1) {
                                r.exit_code = -2;
                            } else if (changes[0]["changed"] == true) {
                                ++disables_changed;
                            }
                        }
                        break;
                }
                if (r.exit_code != 0 || !r.err.empty()) {
                    failures.add(what, r);
                }
                ++reader_ops;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();

    const auto failed = failures.all();
    INFO(join_lines(failed));
    CHECK(failed.empty());
    const std::size_t expected = writers * per_writer;
    CHECK(created.size() == expected);
    const std::set<std::string> unique(created.begin(), created.end());
    CHECK(unique.size() == created.size());

    CHECK(integrity_check(s.store()) == "ok");
    const auto problems = consistency_problems(s.store());
    INFO(join_lines(problems));
    CHECK(problems.empty());
    // Exactly the users created, each with exactly one creation row, and one disable row per change.
    const auto listed = json::parse(s.run({"list", "--all", "--json"}).out);
    REQUIRE(listed.size() == expected + 1);
    std::set<std::string> listed_names;
    for (const auto& user : listed) {
        listed_names.insert(user["username"].get<std::string>());
    }
    for (const auto& username : created) {
        CHECK(listed_names.count(username) == 1);
    }
    CHECK(count_rows(s, "SELECT count(*) FROM audit_log WHERE action = 'api_user.create'") == expected + 1);
    CHECK(count_rows(s, "SELECT count(DISTINCT target) FROM audit_log WHERE action = 'api_user.create'") ==
          expected + 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_log WHERE action = 'api_user.disable'") == disables_changed);

    report("load", fmt::format("{} writer processes x {} creates = {} API users, with {} reader/disable processes "
                               "alongside ({} operations, {} disables that changed a user) in {:.1f} s: {} "
                               "failures, integrity ok, {} users and {} creation rows",
                               writers, per_writer, expected, readers, reader_ops.load(), disables_changed.load(),
                               seconds, failed.size(), listed.size() - 1,
                               count_rows(s, "SELECT count(*) FROM audit_log WHERE action = 'api_user.create'") - 1));
}

TEST_CASE("load: 32 processes disabling the same user at once all succeed, one audit row per change",
          "[reliability][load]") {
    const std::size_t processes = 32;
    const std::size_t rounds = scaled(3, 1);
    Sandbox s;
    s.init();
    const auto user = s.create("contended");
    std::size_t changes_reported = 0;
    for (std::size_t round = 0; round < rounds; ++round) {
        // Round 0: everyone disables. Later rounds: half enable and half disable, interleaved.
        Failures failures;
        std::atomic<std::size_t> changed{0};
        StartLine start{processes};
        std::vector<std::thread> threads;
        for (std::size_t p = 0; p < processes; ++p) {
            threads.emplace_back([&, p] {
                const bool enable = round > 0 && p % 2 == 1;
                start.arrive_and_wait();
                const auto r = s.run({enable ? "enable" : "disable", user, "--json"});
                const auto document = json::parse(r.out, nullptr, false);
                if (r.exit_code != 0 || !r.err.empty() || !document.is_array() || document.size() != 1) {
                    failures.add(enable ? "enable" : "disable", r);
                    return;
                }
                if (document[0]["changed"] == true) {
                    ++changed;
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        const auto failed = failures.all();
        INFO(join_lines(failed));
        CHECK(failed.empty());
        if (round == 0) {
            CHECK(changed == 1);
        }
        changes_reported += changed;
        const auto rows = count_rows(s,
                                     "SELECT count(*) FROM audit_log WHERE action IN ('api_user.enable', "
                                     "'api_user.disable')");
        CHECK(rows == changes_reported);
    }
    const auto problems = consistency_problems(s.store());
    INFO(join_lines(problems));
    CHECK(problems.empty());
    report("load", fmt::format("{} rounds of {} simultaneous enable/disable processes on one user: {} changes, "
                               "{} audit rows, 0 failures",
                               rounds, processes, changes_reported, changes_reported));
}

namespace {

// A connection of the test's own that holds the store's write lock, as a long transaction elsewhere would.
class LockHolder {
  public:
    LockHolder(const Sandbox& s, bool exclusive) : db_{s.store().string(), SQLite::OPEN_READWRITE} {
        if (exclusive) {
            // Outside WAL's shared memory: not even readers get in.
            db_.exec("PRAGMA locking_mode = EXCLUSIVE");
            db_.exec("BEGIN EXCLUSIVE");
            db_.exec(
                "INSERT INTO audit_log (at, actor, action, target) VALUES ('2026-01-01T00:00:00Z', 'x', 'x', 'x')");
        } else {
            db_.exec("BEGIN IMMEDIATE");
        }
    }
    void release() { db_.exec("ROLLBACK"); }

  private:
    SQLite::Database db_;
};

ProcessResult run_with_timeout(const Sandbox& s, const std::vector<std::string>& args, const std::string& timeout_ms,
                               std::optional<std::string> input = std::nullopt) {
    ProcessOptions options;
    options.env = s.environment();
    options.env["APIUSER_BUSY_TIMEOUT_MS"] = timeout_ms;
    options.input = std::move(input);
    return s.run_with(args, options);
}

}  // namespace

TEST_CASE("load: a writer waiting past APIUSER_BUSY_TIMEOUT_MS ends with exit 1, 'store is busy', and writes nothing",
          "[reliability][load][busy]") {
    Sandbox s;
    s.init();
    const auto user = s.create("busy");
    const auto before = s.dump();
    const std::vector<std::vector<std::string>> writes{{"create", "--generate-password"},
                                                       {"disable", user},
                                                       {"describe", user, "--description", "changed"},
                                                       {"passwd", user, "--generate-password"},
                                                       {"member", "add", "alice", "--allow-unknown-login"},
                                                       {"account", "set", "--company", "Renamed"}};
    {
        LockHolder lock{s, false};
        for (const auto& args : writes) {
            const auto started = Clock::now();
            const auto r = run_with_timeout(s, args, "300");
            const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
            INFO(args.front() << "\n" << describe(r));
            apiuser::test::check_error_output(r, args, 1);
            CHECK_THAT(r.err, Catch::Contains("is busy") && Catch::Contains("APIUSER_BUSY_TIMEOUT_MS"));
            CHECK(r.err.find("database is locked") == std::string::npos);
            CHECK(waited.count() >= 300);
        }
        // Readers are not blocked by a writer (WAL).
        const auto r = run_with_timeout(s, {"list"}, "300");
        INFO(describe(r));
        CHECK(r.exit_code == 0);
        lock.release();
    }
    CHECK(s.dump() == before);
    {
        // A lock that shuts out readers too: reading commands give the same clear answer.
        LockHolder lock{s, true};
        for (const auto& args :
             std::vector<std::vector<std::string>>{{"list"}, {"describe", user}, {"disable", user}}) {
            const auto r = run_with_timeout(s, args, "200");
            INFO(describe(r));
            apiuser::test::check_error_output(r, args, 1);
            CHECK_THAT(r.err, Catch::Contains("is busy"));
        }
        lock.release();
    }
    CHECK(s.dump() == before);
    CHECK(s.run({"list"}).exit_code == 0);
}

TEST_CASE("load: by default a writer waits for the lock instead of failing", "[reliability][load][busy]") {
    Sandbox s;
    s.init();
    const auto user = s.create("waits");
    LockHolder lock{s, false};
    apiuser::reliability::Child child{{apiuser::test::apiuser_binary(), "disable", user},
                                      apiuser::reliability::piped_stdin(s.environment(), false)};
    // Wait until the child is in SQLite's busy handler: sleeping between attempts at the lock.
    const bool sleeping = child.await([&] {
        const auto call = child.current_syscall();
        return call == 35 /* nanosleep */ || call == 230 /* clock_nanosleep */;
    });
    CHECK(sleeping);
    lock.release();
    const auto r = child.wait();
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("disabled"));
}

TEST_CASE("load: APIUSER_BUSY_TIMEOUT_MS must be a sane number of milliseconds", "[reliability][load][busy]") {
    Sandbox s;
    s.init();
    const auto before = s.dump();
    for (const std::string value : {"abc", "-1", "1.5", "86400001", "99999999999999999999", " 10", "10ms"}) {
        const auto r = run_with_timeout(s, {"create", "--generate-password"}, value);
        INFO(value << "\n" << describe(r));
        apiuser::test::check_error_output(r, {}, 2);
        CHECK_THAT(r.err, Catch::Contains("APIUSER_BUSY_TIMEOUT_MS"));
    }
    CHECK(s.dump() == before);
    CHECK(run_with_timeout(s, {"list"}, "0").exit_code == 0);
}
