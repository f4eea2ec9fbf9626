// The stored-hash (PHC string) parser on any bytes: bounded, never crashing, and consistent with the check
// that uses it. Cheap hashes are also checked against a password through Botan.

#include <apiuser/password_hash.hpp>
#include <apiuser/secret.hpp>

#include "fuzz_support.hpp"

using namespace apiuser;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto phc = fuzz::as_text(data, size);
    const auto parsed = parse_phc_hash(phc);
    if (!parsed) {
        fuzz::require(check_password_hash(Secret{"Str0ng-enough!"}, phc) == HashMatch::damaged,
                      "an unparsable hash was not reported as damaged");
        return 0;
    }
    fuzz::require(argon2_params_problem(parsed->params).empty(), "parsed parameters out of bounds");
    fuzz::require(parsed->salt_bytes >= 8 && parsed->salt_bytes <= 64, "salt length out of bounds");
    fuzz::require(parsed->hash_bytes >= 16 && parsed->hash_bytes <= 64, "hash length out of bounds");
    fuzz::require(phc.rfind("$argon2id$v=19$", 0) == 0, "accepted another scheme or version");
    // Running Argon2 on what the parser accepts must be safe; keep it to the cheap ones to keep fuzzing fast.
    const auto& p = parsed->params;
    if (std::uint64_t{p.memory_kib} * p.iterations <= 256) {
        const auto match = check_password_hash(Secret{"Str0ng-enough!"}, phc);
        fuzz::require(match != HashMatch::match || phc.size() > 40, "matched a password without a real hash");
    }
    return 0;
}
