#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <apiuser/clock.hpp>
#include <apiuser/password_hash.hpp>
#include <apiuser/store.hpp>

namespace apiuser {

// Why an authentication failed. Callers show the API client one thing, "authentication failed",
// whatever this says: the reason is for the server's own logs (and is written to the audit log).
enum class AuthenticationOutcome {
    success,
    unknown_user,
    disabled,
    revoked,
    wrong_password,
    damaged_credential,  // the stored hash is unreadable: an administrator must reset the password
};

// Returns "success", "unknown_user", "disabled", "revoked", "wrong_password" or "damaged_credential".
std::string_view to_string(AuthenticationOutcome outcome);

struct AuthenticationResult {
    AuthenticationOutcome outcome = AuthenticationOutcome::unknown_user;
    std::string username;  // the canonical username when the user exists, else empty

    explicit operator bool() const noexcept { return outcome == AuthenticationOutcome::success; }
};

struct AuthenticatorOptions {
    StoreOptions store;
    // Who the audit log says checked the credential, e.g. the server's name. Never a secret.
    std::string audit_actor = "authenticator";
    // The clock to use; null for the system clock. Must outlive the Authenticator.
    const Clock* clock = nullptr;
    // Called, from the calling thread, with the parameters of each Argon2id run a call makes (checks,
    // decoys, rehashes): for metrics, and for tests that hold every outcome to the same work.
    std::function<void(const Argon2Params&)> on_hash = nullptr;
    // How many calls may hash at once, each holding one Argon2 matrix (the store's m KiB); more callers wait
    // their turn, first come, first served. 0: one per core (std::thread::hardware_concurrency).
    unsigned max_concurrent_hashes = 0;
};

// Checks API users' credentials against a store, for API servers and for `apiuser verify`. Opening it
// needs read and write access to the store file, not membership: the file's permissions are the gate.
//
// authenticate() is safe to call from many threads at once: each call borrows a store connection from a pool
// (as many as calls have ever run at once: idle ones are kept, not closed) and hashes outside any lock, at most
// max_concurrent_hashes calls at a time (one per core by default), so that memory stays bounded however many attempts
// arrive. Every call does at least the Argon2id work of one check with the store's current parameters, whatever the
// name: a decoy for unknown and revoked names and damaged hashes, a decoy for the difference after a hash made with
// cheaper (older) parameters. So timing tells neither whether a username exists, nor its state, nor the age of its
// hash. (A wrong password during a passwd --keep-old-for window costs two checks; a hash costlier than the current
// setting costs what it costs until its user next logs in.)
class Authenticator {
  public:
    // Opens the store at `store`; throws Error (one of the store kinds) if it cannot be used.
    explicit Authenticator(const StoreLocation& store, AuthenticatorOptions options = {});
    ~Authenticator();
    Authenticator(const Authenticator&) = delete;
    Authenticator& operator=(const Authenticator&) = delete;

    // Checks `password` (as typed; normalised here like at creation) for the API user `username` (its
    // address in any case, or its 12-hex id). On success the last-used time is recorded (at most once a
    // minute per user) and a hash made with other parameters than the store's current ones is rehashed. Throws
    // Error (one of the store kinds, is_store_failure) only when the store itself fails.
    AuthenticationResult authenticate(std::string_view username, std::string_view password);

    // The most calls that were hashing at once so far (at most AuthenticatorOptions::max_concurrent_hashes):
    // for monitoring.
    std::size_t peak_concurrent_hashes() const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace apiuser
