#pragma once

#include <cstdint>
#include <string>

#include <apiuser/password_hash.hpp>

namespace apiuser {

// What one check with `params` costs in time on an idle machine, in KiB of memory filled per lane running
// at once: memory times iterations, divided by the lanes that the cores can fill in parallel (Botan runs
// each lane on a thread of its own).
std::uint64_t argon2_work(const Argon2Params& params);

// Parameters with the iterations and lanes of `like` whose work is `work`, as closely as whole KiB allow
// (never below Argon2's minimum memory): a decoy made with them tops a cheaper check up to the cost of
// `like`.
Argon2Params argon2_params_for_work(std::uint64_t work, const Argon2Params& like);

// Every attempt to authenticate, also by a name that does not exist, does the work of one check with the
// store's parameters, and the Authenticator runs one such check per core at once. So the setting is held to
// a budget that `account set --argon2` exceeds only with --force (256 MiB of memory, and memory times
// iterations up to 1 GiB, about a second on a current core), and warned about above what is recommended
// for an API server (64 MiB, and four times the work of the recommended parameters).
inline constexpr std::uint32_t argon2_budget_memory_kib = 256u * 1024u;
inline constexpr std::uint64_t argon2_budget_work = 1024u * 1024u;
inline constexpr std::uint32_t argon2_recommended_max_memory_kib = 64u * 1024u;
inline constexpr std::uint64_t argon2_recommended_max_work =
    4ull * recommended_argon2_params.memory_kib * recommended_argon2_params.iterations;

// Returns how `params` exceed the budget above (argon2_budget_*); empty when they are within it.
std::string argon2_over_budget(const Argon2Params& params);

// Throws Error(invalid_input) naming the excess when `params` exceed the budget, unless `force`.
void require_argon2_within_budget(const Argon2Params& params, bool force);

// True when `params` cost more than recommended for an API server (argon2_recommended_max_*).
bool above_recommended(const Argon2Params& params);

}  // namespace apiuser
