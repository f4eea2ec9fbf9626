#include <algorithm>
#include <array>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <apiuser/account.hpp>
#include <apiuser/api_users.hpp>
#include <apiuser/argon2_cost.hpp>
#include <apiuser/authenticator.hpp>
#include <apiuser/password_hash.hpp>
#include <apiuser/password_policy.hpp>
#include <apiuser/password_rotation.hpp>
#include <apiuser/random.hpp>
#include <apiuser/session.hpp>
#include <apiuser/username.hpp>

#include "audit.hpp"
#include "crypto/fingerprint.hpp"
#include "store/backend.hpp"
#include "store/records.hpp"

namespace apiuser {

namespace {

using namespace std::chrono_literals;

// A success refreshes "last used" only when the recorded time is at least this old, so that a busy
// server does not turn every call into a write.
constexpr auto last_used_resolution = 60s;

// True while an old password kept until `deadline` may still be used. `passwd` keeps one for at most
// max_password_overlap after the rotation (which `updated_at` cannot precede), so a longer deadline was not
// set by apiuser: a planted row, or a trigger, must not keep a password of its choosing alive.
bool keeps_old_password(Timestamp deadline, Timestamp updated_at, Timestamp now) {
    return now < deadline && deadline <= updated_at + max_password_overlap && deadline <= now + max_password_overlap;
}

// The audit target of an attempt whose name matches no API user. The name itself is never logged: a client
// that swaps the username and password fields would put the password in the log, which every member reads.
constexpr std::string_view unknown_target = "unknown";

// Bounds how many calls hash at once, each holding one Argon2 matrix: without it, 64 concurrent attempts
// would hold 64 of them. Waiting callers are served first come, first served.
class HashingSlots {
  public:
    explicit HashingSlots(std::size_t slots) : slots_(std::max<std::size_t>(slots, 1)) {}

    // Holds one slot from construction (waiting for one to be free) to destruction.
    class Slot {
      public:
        explicit Slot(HashingSlots& owner) : owner_(owner) { owner_.acquire(); }
        ~Slot() { owner_.release(); }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

      private:
        HashingSlots& owner_;
    };

    std::size_t peak() const {
        std::lock_guard lock{mutex_};
        return peak_;
    }

  private:
    void acquire() {
        std::unique_lock lock{mutex_};
        const std::uint64_t ticket = next_ticket_++;
        // Every earlier ticket may start when this one may, and a slot is released only after it started:
        // so the tickets started and not yet released are at most `slots_`, and they are served in order.
        freed_.wait(lock, [&] { return ticket < released_ + slots_; });
        peak_ = std::max<std::size_t>(peak_, static_cast<std::size_t>(ticket + 1 - released_));
    }

    void release() {
        {
            std::lock_guard lock{mutex_};
            ++released_;
        }
        freed_.notify_all();
    }

    const std::size_t slots_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::uint64_t next_ticket_ = 0;
    std::uint64_t released_ = 0;
    std::size_t peak_ = 0;
};

std::size_t default_hashing_slots() {
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

std::string_view to_string(AuthenticationOutcome outcome) {
    switch (outcome) {
        case AuthenticationOutcome::success:
            return "success";
        case AuthenticationOutcome::unknown_user:
            return "unknown_user";
        case AuthenticationOutcome::disabled:
            return "disabled";
        case AuthenticationOutcome::revoked:
            return "revoked";
        case AuthenticationOutcome::wrong_password:
            return "wrong_password";
        case AuthenticationOutcome::damaged_credential:
            return "damaged_credential";
    }
    return "unknown_user";
}

class Authenticator::Impl {
  public:
    Impl(StoreLocation location, AuthenticatorOptions options)
        : location_(std::move(location)),
          options_(std::move(options)),
          clock_(options_.clock ? *options_.clock : system_clock_),
          slots_(options_.max_concurrent_hashes > 0 ? options_.max_concurrent_hashes : default_hashing_slots()) {
        // Open one connection now, so that an unusable store fails here rather than at the first call.
        idle_.push_back(std::make_unique<Store>(Store::open(location_, options_.store)));
        random_.fill(fingerprint_key_);
    }

    AuthenticationResult authenticate(std::string_view username, std::string_view password);

    std::size_t peak_concurrent_hashes() const { return slots_.peak(); }

  private:
    // One pooled connection, returned to the pool when the call ends.
    class Connection {
      public:
        explicit Connection(Impl& owner) : owner_(owner), store_(owner.borrow()) {}
        ~Connection() { owner_.give_back(std::move(store_)); }
        Connection(const Connection&) = delete;
        Connection& operator=(const Connection&) = delete;
        Store& operator*() { return *store_; }

      private:
        Impl& owner_;
        std::unique_ptr<Store> store_;
    };

    std::unique_ptr<Store> borrow() {
        {
            std::lock_guard lock{mutex_};
            if (!idle_.empty()) {
                auto store = std::move(idle_.back());
                idle_.pop_back();
                return store;
            }
        }
        return std::make_unique<Store>(Store::open(location_, options_.store));
    }

    void give_back(std::unique_ptr<Store> store) {
        std::lock_guard lock{mutex_};
        idle_.push_back(std::move(store));
    }

    void ran_argon2(const Argon2Params& params) const {
        if (options_.on_hash) {
            options_.on_hash(params);
        }
    }

    // A decoy hash for `params`, made once per parameters.
    std::string decoy_for(const Argon2Params& params) {
        std::lock_guard lock{mutex_};
        auto& decoy = decoys_[to_string(params)];
        if (decoy.empty()) {
            decoy = make_decoy_hash(params, random_);
        }
        return decoy;
    }

    StoreLocation location_;
    AuthenticatorOptions options_;
    SystemClock system_clock_;
    const Clock& clock_;
    SystemRandom random_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Store>> idle_;
    std::map<std::string, std::string> decoys_;
    HashingSlots slots_;
    // Keys the fingerprints of unknown names in the audit log; it never leaves this object's memory, so a
    // fingerprint cannot be checked against a guessed password.
    std::array<std::uint8_t, 32> fingerprint_key_{};
};

AuthenticationResult Authenticator::Impl::authenticate(std::string_view username, std::string_view password) {
    // No password that long can have been set: it is refused before it is copied, normalised or hashed (a
    // 100 MiB one would cost 200 MiB and Argon2's pass over all of it), and being too long is no secret.
    const bool oversized = password.size() > max_password_input_bytes;
    const Secret normalized = oversized ? Secret{} : normalize_password(password);
    const auto now = clock_.now();
    Connection connection{*this};
    Store& store = *connection;

    AccountSettings account;
    std::optional<store::Credential> credential;
    store::read(store, [&](store::Records& records) {
        account = records.load_account();
        if (const auto id = parse_api_user_reference(username, account.domain)) {
            credential = records.find_credential(*id);
        }
    });

    // Every attempt does at least the hashing work of one check with the store's current parameters, whatever
    // the name, its state or the age of its hash: the unknown, revoked and damaged check a decoy; a cheaper
    // (older) hash is topped up with a decoy for the difference. So timing tells nothing but the attempt.
    const std::uint64_t due_work = oversized ? 0 : argon2_work(account.argon2);
    std::uint64_t done_work = 0;
    std::optional<HashingSlots::Slot> slot;
    if (!oversized) {
        slot.emplace(slots_);
    }
    const auto check = [&](std::string_view phc) {
        const auto parsed = parse_phc_hash(phc);
        if (!parsed) {
            return HashMatch::damaged;
        }
        if (oversized) {
            return HashMatch::mismatch;
        }
        ran_argon2(parsed->params);
        done_work += argon2_work(parsed->params);
        return check_password_hash(normalized, phc);
    };

    AuthenticationResult result;
    bool matched_previous = false;
    if (!credential || credential->status == ApiUserStatus::revoked) {
        result.outcome = credential ? AuthenticationOutcome::revoked : AuthenticationOutcome::unknown_user;
    } else {
        auto match = check(credential->password_hash);
        const bool overlap_open =
            !credential->previous_password_hash.empty() && credential->previous_password_expires_at &&
            credential->updated_at &&
            keeps_old_password(*credential->previous_password_expires_at, *credential->updated_at, now);
        if (match == HashMatch::mismatch && overlap_open) {
            match = check(credential->previous_password_hash);
            matched_previous = match == HashMatch::match;
        }
        if (match == HashMatch::damaged) {
            result.outcome = AuthenticationOutcome::damaged_credential;
        } else if (credential->status == ApiUserStatus::disabled) {
            result.outcome = AuthenticationOutcome::disabled;
        } else {
            result.outcome =
                match == HashMatch::match ? AuthenticationOutcome::success : AuthenticationOutcome::wrong_password;
        }
    }
    if (credential) {
        result.username = credential->username;
    }

    // A hash made with other parameters than the store's (older, or costlier after they were lowered, or
    // with other lanes) is rehashed at the first success, so that in time every hash costs the same.
    std::string upgraded_hash;
    std::optional<Argon2Params> old_params;
    if (result && !matched_previous) {
        if (const auto phc = parse_phc_hash(credential->password_hash); phc && phc->params != account.argon2) {
            old_params = phc->params;
            ran_argon2(account.argon2);
            upgraded_hash = hash_password(normalized, account.argon2, random_);
            done_work += due_work;
        }
    }
    if (done_work < due_work) {
        check(decoy_for(argon2_params_for_work(due_work - done_work, account.argon2)));
    }
    slot.reset();
    const bool refresh_last_used =
        result && (!credential->last_used_at || now - *credential->last_used_at >= last_used_resolution);
    const bool overlap_expired =
        credential && credential->previous_password_expires_at && now >= *credential->previous_password_expires_at;
    const bool needs_write =
        !result || refresh_last_used || credential->failed_attempts > 0 || !upgraded_hash.empty() || overlap_expired;
    if (!needs_write) {
        return result;
    }
    Session session{store, options_.audit_actor, clock_, random_};
    store::write(store, [&](store::Records& records) {
        if (overlap_expired) {
            records.erase_expired_previous_passwords(now);
        }
        if (result) {
            records.record_success(credential->id, refresh_last_used ? std::optional{now} : std::nullopt);
            if (!upgraded_hash.empty()) {
                records.upgrade_password_hash(credential->id, credential->password_hash, upgraded_hash);
                audit(records, session, "api_user.rehash", credential->username,
                      {{"from", to_string(*old_params)}, {"to", to_string(account.argon2)}});
            }
            return;
        }
        if (credential) {
            records.record_failure(credential->id);
            audit(records, session, "api_user.authentication_failed", credential->username,
                  {{"reason", to_string(result.outcome)}});
        } else {
            audit(records, session, "api_user.authentication_failed", unknown_target,
                  {{"reason", to_string(result.outcome)},
                   {"name_length", username.size()},
                   {"name_fingerprint", keyed_fingerprint(fingerprint_key_, username)}});
        }
    });
    return result;
}

Authenticator::Authenticator(const StoreLocation& store, AuthenticatorOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

Authenticator::~Authenticator() = default;

AuthenticationResult Authenticator::authenticate(std::string_view username, std::string_view password) {
    return impl_->authenticate(username, password);
}

std::size_t Authenticator::peak_concurrent_hashes() const {
    return impl_->peak_concurrent_hashes();
}

}  // namespace apiuser
