#pragma once

// A private temporary directory with a store path in it, and helpers to run the real apiuser binary on
// that store. Each test gets its own sandbox, removed when the test ends.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace apiuser::test {

// Argon2 parameters that make hashing take microseconds, so that tests stay fast.
inline constexpr const char* fast_argon2 = "m=8,t=1,p=1";

class Sandbox {
  public:
    Sandbox();
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    const std::filesystem::path& store() const { return store_; }

    // The environment every run gets: PATH, HOME inside the sandbox, APIUSER_STORE, LANG=C.UTF-8.
    std::map<std::string, std::string> environment() const;

    // Runs apiuser with `args`; stdin is `input` when given, else /dev/null.
    ProcessResult run(const std::vector<std::string>& args, std::optional<std::string> input = std::nullopt) const;

    // Runs apiuser with full control over the process; as options.uid, through apiuser_binary_for().
    ProcessResult run_with(const std::vector<std::string>& args, ProcessOptions options) const;

    // Creates the store as root with fast Argon2 parameters; REQUIREs success.
    void init(const std::string& company = "Acme Widgets Ltd") const;

    // Adds `login` as a member (an admin when `admin`), acting as the owner; REQUIREs success.
    void add_member(const std::string& login, bool admin, const std::string& email = "") const;

    // Creates an API user with a generated password and returns its username; REQUIREs success.
    std::string create(const std::string& description = "", const std::vector<std::string>& extra = {}) const;

    // The bytes of the store file.
    std::string store_bytes() const;

    // Every row of every table, as text: compare before and after to prove a command changed nothing.
    std::string dump() const;

    // Runs SQL on the store directly (as another program would), bypassing apiuser.
    void execute_sql(const std::string& sql) const;

  private:
    std::filesystem::path dir_;
    std::filesystem::path store_;
};

// The path of the apiuser binary under test.
std::string apiuser_binary();

// The path of the binary under test that `uid` can execute. For nullopt (or the current uid) it is
// apiuser_binary(). For another uid it is a hard link (a copy across file systems) named apiuser in a
// directory apiuser-bin-XXXXXX (mode 0755) under TMPDIR, made once per test program and removed at its
// exit: the checkout may sit where only its owner can go (root's home is 0700), so the user a test
// switches to could not execute the binary where it was built.
std::string apiuser_binary_for(std::optional<uid_t> uid);

}  // namespace apiuser::test
