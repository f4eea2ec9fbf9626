#pragma once

#include <cstdint>

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

}  // namespace apiuser
