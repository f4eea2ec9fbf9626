#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace apiuser {

namespace store {
class Backend;  // src/lib/store/backend.hpp: visible only inside the library
}

inline constexpr std::chrono::milliseconds default_lock_timeout{30'000};

struct StoreOptions {
    // How long an operation waits for another process's write transaction before giving up with
    // "store is busy" (Error(store_busy)). Parallel pipeline runs queue up instead of failing.
    std::chrono::milliseconds lock_timeout = default_lock_timeout;
    // Never write, not even a schema upgrade: for readers that must leave no trace, such as shell
    // completion. A store of an older schema is then refused instead of upgraded.
    bool read_only = false;
};

// Where a store lives. Today that is a file (the embedded store); the form of the location chooses the
// backend. display() is what messages show: it never holds a secret.
class StoreLocation {
  public:
    enum class Kind { file };

    // The store file at `path`.
    StoreLocation(std::filesystem::path path);  // NOLINT(google-explicit-constructor): a path is a location
    // The location `text` names, as --store and APIUSER_STORE give it (see parse()).
    StoreLocation(const char* text);         // NOLINT(google-explicit-constructor)
    StoreLocation(const std::string& text);  // NOLINT(google-explicit-constructor)

    // The location that `text` names: today always a file path.
    static StoreLocation parse(std::string_view text);

    Kind kind() const noexcept { return kind_; }
    // The file of a Kind::file location.
    const std::filesystem::path& path() const noexcept { return path_; }
    // The location as messages show it.
    std::string display() const;

    friend bool operator==(const StoreLocation&, const StoreLocation&) = default;

  private:
    Kind kind_;
    std::filesystem::path path_;
};

// The store: the account, its members, its API users and the audit log, in one place that every
// operation reads and changes in transactions. The embedded store is one file: it is opened only if it
// is a regular file (never through a symlink), not accessible by "others", owned by someone this process
// trusts, and an apiuser store of a schema this build knows; otherwise it is refused and left untouched.
// A Store is one connection with one transaction at a time: use it from one thread at a time.
// init_account (account.hpp) creates one.
class Store {
  public:
    // Opens the existing store at `location`, upgrading an older schema in one transaction. When this
    // process may only read it, the store is opened read-only and any change fails cleanly.
    static Store open(const StoreLocation& location, const StoreOptions& options = {});

    explicit Store(std::unique_ptr<store::Backend> backend);
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    const StoreLocation& location() const noexcept;

    // From now on, keeps the write transaction of the next change open instead of committing it, so that
    // the caller can first finish what must go with the change (print a generated password, say): later
    // operations run inside that same transaction, commit_held() commits it, and anything else (an
    // exception, roll_back_held(), the Store's destruction) rolls it back, so that nothing is changed.
    void hold_commits();
    // Commits the transaction held open by hold_commits(), if any; throws Error when it fails, in which
    // case nothing was changed.
    void commit_held();
    // Rolls back the transaction held open by hold_commits(), if any.
    void roll_back_held() noexcept;

    // The backend, for the library's own operations.
    store::Backend& backend() noexcept { return *backend_; }

  private:
    std::unique_ptr<store::Backend> backend_;
};

// Where the store lives when none is given: `apiuser_store` ($APIUSER_STORE) if set and not empty, else
// `xdg_data_home`/apiuser/apiuser.db ($XDG_DATA_HOME, if absolute), else
// `home`/.local/share/apiuser/apiuser.db. Throws Error(store) when none of them is usable.
StoreLocation default_store_location(const char* apiuser_store, const char* xdg_data_home, const char* home);

}  // namespace apiuser
