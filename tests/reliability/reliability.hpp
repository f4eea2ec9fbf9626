#pragma once

// What the reliability suites share: how hard to push (RELIABILITY_SCALE), where the figures go, a child
// process that can be killed at any moment, and the checks that a store is whole after whatever happened
// to it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "process.hpp"
#include "sanitizer.hpp"

namespace apiuser::reliability {

using test::Child;
using test::ProcessResult;
using test::sanitizer_build;

// RELIABILITY_SCALE (a positive number, default 1): multiplies the iteration counts of the heavy suites.
double scale();

// `release_count` scaled by RELIABILITY_SCALE, or `sanitizer_count` scaled by it in the sanitizer build;
// never less than 1.
std::size_t scaled(std::size_t release_count, std::size_t sanitizer_count);

// The seed of this run's random choices: RELIABILITY_SEED if set, else a fresh one. Printed by `report`.
std::uint64_t seed();

// Prints one line of figures, "reliability: SUITE: LINE", on stdout and appends it to the file named by
// RELIABILITY_REPORT, if set, so that a full run can be summed up in the README.
void report(const std::string& suite, const std::string& line);

// Counts what one test case tried and reports "N WHAT" under SUITE when the test case ends, however it ends.
class Tally {
  public:
    Tally(std::string suite, std::string what) : suite_(std::move(suite)), what_(std::move(what)) {}
    ~Tally();
    Tally(const Tally&) = delete;
    Tally& operator=(const Tally&) = delete;
    Tally& operator++() {
        ++count_;
        return *this;
    }
    std::size_t count() const { return count_; }

  private:
    std::string suite_;
    std::string what_;
    std::size_t count_ = 0;
};

// Waits until `condition` holds, looking again every millisecond (for states with no notification, such
// as a terminal's settings or a process's /proc entries); false if `timeout` passes first.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// True when this process runs as root (needed for mounts and for switching to another uid).
bool running_as_root();

// The uid and gid of "nobody", the unprivileged user the suites switch to when they run as root.
inline constexpr uid_t nobody_uid = 65534;

// The bytes of the file at `path` (empty when it cannot be read).
std::string read_file(const std::filesystem::path& path);

// Options for a Child whose stdin is a pipe the test writes to (or /dev/null when not `pipe`), with the
// environment `env`, run as `uid` if given.
test::ProcessOptions piped_stdin(std::map<std::string, std::string> env, bool pipe = true,
                                 std::optional<uid_t> uid = std::nullopt);

// One API user's row as the reliability checks compare it.
struct ApiUserRow {
    std::string id;
    std::string username;
    std::string description;
    std::string status;
    std::optional<std::string> password_hash;
    std::optional<std::string> previous_password_hash;
    std::string updated_at;

    friend bool operator==(const ApiUserRow&, const ApiUserRow&) = default;
};

struct AuditRow {
    std::int64_t seq = 0;
    std::string actor;
    std::string action;
    std::string target;
    std::string details;

    friend bool operator==(const AuditRow&, const AuditRow&) = default;
};

// Everything in a store, read straight from SQLite (read-only), for before/after comparisons.
struct StoreSnapshot {
    bool exists = false;
    std::string account;                      // the account row, as text
    std::string members;                      // every member row, as text
    std::map<std::string, ApiUserRow> users;  // by username
    std::vector<AuditRow> audit;              // in order

    friend bool operator==(const StoreSnapshot&, const StoreSnapshot&) = default;
};

// Reads `store`; a missing file gives a snapshot with exists == false. Throws if SQLite cannot read it.
StoreSnapshot snapshot(const std::filesystem::path& store);

// Runs PRAGMA integrity_check on `store` and returns its answer ("ok" when whole).
std::string integrity_check(const std::filesystem::path& store);

// Every way `store` breaks the rules a crash, a fault or a race must never break; empty when none does:
// the database is whole; each API user has a well-formed hash unless revoked (and none once revoked);
// each API user has exactly one creation row in the audit log and each creation row its API user; and
// replaying the audit log's creations, enables, disables and revocations gives each user's status.
std::vector<std::string> consistency_problems(const std::filesystem::path& store);

// Joins `problems` one per line, for a failure message.
std::string join_lines(const std::vector<std::string>& problems);

}  // namespace apiuser::reliability
