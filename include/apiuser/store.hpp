#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace apiuser {

inline constexpr std::chrono::milliseconds default_busy_timeout{30'000};

struct StoreOptions {
    // How long a command waits for another process's write transaction before giving up with
    // "store is busy". Parallel pipeline runs queue up instead of failing.
    std::chrono::milliseconds busy_timeout = default_busy_timeout;
    // Never write, not even the switch to WAL or a schema upgrade: for readers that must leave no trace,
    // such as shell completion. A store of an older schema is then refused instead of upgraded.
    bool read_only = false;
};

// The store: one SQLite file holding the account, its members, its API users and the audit log.
// It is opened only if it is a regular file (never through a symlink), not accessible by "others",
// and an apiuser database of a schema this build knows; otherwise it is refused and left untouched.
// A Store is one connection with one transaction at a time: use it from one thread at a time.
class Store {
  public:
    // Creates a new, empty store file at `path` with mode 0600 (its missing parent directories 0700),
    // refusing if anything exists there. The schema is written by `init_account`, in the same transaction
    // as the account.
    static Store create_file(const std::filesystem::path& path, const StoreOptions& options = {});

    // Opens the existing store at `path`, upgrading an older schema in one transaction. When the file is
    // not writable by this process the store is opened read-only and any change fails cleanly.
    static Store open(const std::filesystem::path& path, const StoreOptions& options = {});

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    const std::filesystem::path& path() const noexcept;

    // From now on, keeps the write transaction of the next change open instead of committing it, so that
    // the caller can first finish what must go with the change (print a generated password, say): later
    // operations run inside that same transaction, commit_held() commits it, and anything else (an
    // exception, roll_back_held(), the Store's destruction) rolls it back, so that nothing is changed.
    void hold_commits();
    // Commits the transaction held open by hold_commits(), if any; throws Error(store) when it fails,
    // in which case nothing was changed.
    void commit_held();
    // Rolls back the transaction held open by hold_commits(), if any.
    void roll_back_held() noexcept;

    // The implementation, visible only inside the library (src/lib/store_impl.hpp).
    class Impl;
    Impl& impl() noexcept { return *impl_; }

  private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Where the store lives when no --store is given: `apiuser_store` ($APIUSER_STORE) if set and not
// empty, else `xdg_data_home`/apiuser/apiuser.db ($XDG_DATA_HOME, if absolute), else
// `home`/.local/share/apiuser/apiuser.db. Throws Error(store) when none of them is usable.
std::filesystem::path default_store_path(const char* apiuser_store, const char* xdg_data_home, const char* home);

}  // namespace apiuser
