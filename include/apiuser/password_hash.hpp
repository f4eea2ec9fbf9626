#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <apiuser/random.hpp>
#include <apiuser/secret.hpp>

namespace apiuser {

// Argon2id cost parameters. The defaults are OWASP's current recommendation.
struct Argon2Params {
    std::uint32_t memory_kib = 19456;
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;

    friend bool operator==(const Argon2Params&, const Argon2Params&) = default;
};

inline constexpr Argon2Params recommended_argon2_params{};

// The bounds within which parameters are accepted, from a setting or from a stored hash. They keep a
// damaged or hostile hash string from asking for gigabytes of memory or hours of work.
inline constexpr std::uint32_t max_argon2_memory_kib = 1024u * 1024u;  // 1 GiB
inline constexpr std::uint32_t max_argon2_iterations = 100;
inline constexpr std::uint32_t max_argon2_parallelism = 16;

// Returns a description of what is wrong with `params` (outside the bounds above, or memory below the
// 8 KiB per lane that Argon2 requires); empty when they are usable.
std::string argon2_params_problem(const Argon2Params& params);

// True when `params` costs less than `reference` in memory or in time, so a hash made with them should be
// upgraded.
bool weaker_than(const Argon2Params& params, const Argon2Params& reference);

// Parses "m=KiB,t=N,p=N" (any order, every key once) from `text`; throws Error(invalid_input) naming the
// problem when it is malformed or out of bounds.
Argon2Params parse_argon2_params(std::string_view text);

// Formats `params` as "m=19456,t=2,p=1".
std::string to_string(const Argon2Params& params);

// A parsed PHC string of ours: "$argon2id$v=19$m=..,t=..,p=..$SALT$HASH" (unpadded base64).
struct PhcHash {
    Argon2Params params;
    std::size_t salt_bytes = 0;
    std::size_t hash_bytes = 0;
};

// Parses and bounds-checks the stored hash `phc`; nullopt when it is damaged in any way. Cheap and safe on
// hostile input: nothing is allocated in proportion to the parameters it claims.
std::optional<PhcHash> parse_phc_hash(std::string_view phc);

// Hashes the (already normalised) `password` with Argon2id, `params` and a fresh 16-byte salt from
// `random`; returns the PHC string.
std::string hash_password(const Secret& password, const Argon2Params& params, Random& random);

// Returns a well-formed hash with `params` that no password matches: checking a password against it costs
// exactly what checking a real hash costs, for the paths (unknown user, ...) that must not be faster.
std::string make_decoy_hash(const Argon2Params& params, Random& random);

enum class HashMatch { match, mismatch, damaged };

// Checks `password` against the stored PHC string `phc`. A damaged or out-of-bounds `phc` is reported
// without running Argon2 on it.
HashMatch check_password_hash(const Secret& password, std::string_view phc);

// For a process that hashes a password or two and exits (the apiuser command): asks the hashing library not
// to set up its pool of locked memory. The pool (512 KiB, locked, faulted in, wiped again at exit) costs
// about a sixth of a `create` and would hold only the library's small buffers; the 19 MiB Argon2 matrix, the
// password and the hash never fit in it. Every buffer is still wiped when it is released. Call it first
// thing in main(), while the process has one thread; BOTAN_MLOCK_POOL_SIZE set in the environment wins.
void skip_locked_memory_pool();

}  // namespace apiuser
