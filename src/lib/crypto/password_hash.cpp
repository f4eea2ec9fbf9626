#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <latch>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#include <botan/argon2.h>
#include <botan/base64.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/rng.h>
#include <fmt/format.h>

#include <apiuser/argon2_cost.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/password_hash.hpp>

#include "crypto/fingerprint.hpp"

namespace apiuser {

namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
constexpr std::uint8_t argon2id_variant = 2;
constexpr std::string_view phc_prefix = "$argon2id$v=19$";

// Lets Botan draw from the injected Random, so that tests can make hashes reproducible.
class BotanRandomAdapter final : public Botan::RandomNumberGenerator {
  public:
    explicit BotanRandomAdapter(Random& random) : random_(random) {}
    void randomize(uint8_t output[], size_t length) override { random_.fill({output, length}); }
    bool accepts_input() const override { return false; }
    void add_entropy(const uint8_t[], size_t) override {}
    std::string name() const override { return "apiuser::Random"; }
    void clear() override {}
    bool is_seeded() const override { return true; }

  private:
    Random& random_;
};

// Parses a decimal number of at most 10 digits (no sign, no leading zero) at the start of `text`.
std::optional<std::uint64_t> parse_decimal(std::string_view& text) {
    std::size_t length = 0;
    while (length < text.size() && text[length] >= '0' && text[length] <= '9') {
        ++length;
    }
    if (length == 0 || length > 10 || (length > 1 && text[0] == '0')) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + length, value);
    text.remove_prefix(length);
    return value;
}

bool consume(std::string_view& text, std::string_view expected) {
    if (text.substr(0, expected.size()) != expected) {
        return false;
    }
    text.remove_prefix(expected.size());
    return true;
}

// A table rather than five comparisons: `list` checks the salt and hash of every API user's PHC string.
constexpr auto base64_alphabet = [] {
    std::array<bool, 256> table{};
    for (const char c : std::string_view{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"}) {
        table[static_cast<unsigned char>(c)] = true;
    }
    return table;
}();

bool is_base64_char(char c) {
    return base64_alphabet[static_cast<unsigned char>(c)];
}

// Returns how many bytes the unpadded base64 `text` decodes to; nullopt when it is not unpadded base64.
std::optional<std::size_t> base64_decoded_size(std::string_view text) {
    if (text.empty() || text.size() % 4 == 1) {
        return std::nullopt;
    }
    for (char c : text) {
        if (!is_base64_char(c)) {
            return std::nullopt;
        }
    }
    return text.size() * 3 / 4;
}

std::uint32_t to_u32(std::uint64_t value) {
    return static_cast<std::uint32_t>(value);
}

std::uint64_t lanes_at_once(const Argon2Params& params) {
    return std::clamp<std::uint64_t>(std::thread::hardware_concurrency(), 1, params.parallelism);
}

// Memory times iterations: the CPU time and the memory traffic of one check, whatever the lanes.
std::uint64_t total_work(const Argon2Params& params) {
    return std::uint64_t{params.memory_kib} * params.iterations;
}

// Botan 2.19 starts a global pool of worker threads (one per CPU, at least two) the first time Argon2 runs,
// even for one lane. When they cannot all start (under a tight `ulimit -v`, say), its constructor ends the
// process with std::terminate or deadlocks instead of throwing. So the pool is started here, once, and only
// after as many threads of our own have started and stopped; if they cannot, the shortage is reported as
// std::bad_alloc ("out of memory"), like any other allocation failure.
void start_hashing_threads() {
    static std::mutex mutex;
    static bool started = false;
    std::lock_guard lock{mutex};
    if (started) {
        return;
    }
    std::size_t wanted = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 16);
    if (const char* size = std::getenv("BOTAN_THREAD_POOL_SIZE"); size != nullptr && std::atoi(size) > 1) {
        wanted = static_cast<std::size_t>(std::atoi(size));
    }
    std::latch release{1};
    std::vector<std::thread> probes;
    probes.reserve(wanted);
    bool all_started = true;
    try {
        while (probes.size() < wanted) {
            probes.emplace_back([&release] { release.wait(); });
        }
    } catch (const std::system_error&) {
        all_started = false;
    }
    release.count_down();
    for (auto& probe : probes) {
        probe.join();
    }
    if (!all_started) {
        throw std::bad_alloc();
    }
    std::array<std::uint8_t, 16> salt{};
    std::array<std::uint8_t, 32> output{};
    Botan::argon2(output.data(), output.size(), "", 0, salt.data(), salt.size(), nullptr, 0, nullptr, 0,
                  argon2id_variant, 1, 8, 1);
    started = true;
}

}  // namespace

std::string argon2_params_problem(const Argon2Params& params) {
    if (params.parallelism < 1 || params.parallelism > max_argon2_parallelism) {
        return fmt::format("parallelism p={} is outside 1..{}", params.parallelism, max_argon2_parallelism);
    }
    if (params.iterations < 1 || params.iterations > max_argon2_iterations) {
        return fmt::format("iterations t={} is outside 1..{}", params.iterations, max_argon2_iterations);
    }
    const std::uint64_t min_memory = 8ull * params.parallelism;
    if (params.memory_kib < min_memory || params.memory_kib > max_argon2_memory_kib) {
        return fmt::format("memory m={} KiB is outside {}..{}", params.memory_kib, min_memory, max_argon2_memory_kib);
    }
    return {};
}

bool weaker_than(const Argon2Params& params, const Argon2Params& reference) {
    return params.memory_kib < reference.memory_kib || params.iterations < reference.iterations;
}

std::uint64_t argon2_work(const Argon2Params& params) {
    return total_work(params) / lanes_at_once(params);
}

Argon2Params argon2_params_for_work(std::uint64_t work, const Argon2Params& like) {
    const std::uint64_t min_memory = 8ull * like.parallelism;
    const std::uint64_t per_pass = lanes_at_once(like) * work;
    const std::uint64_t memory = std::clamp<std::uint64_t>((per_pass + like.iterations / 2) / like.iterations,
                                                           min_memory, max_argon2_memory_kib);
    return {to_u32(memory), like.iterations, like.parallelism};
}

std::string argon2_over_budget(const Argon2Params& params) {
    if (params.memory_kib > argon2_budget_memory_kib) {
        return fmt::format("memory m={} KiB is above the budget of {} KiB", params.memory_kib,
                           argon2_budget_memory_kib);
    }
    if (total_work(params) > argon2_budget_work) {
        return fmt::format("memory times iterations ({} KiB x {}) is above the budget of {} KiB", params.memory_kib,
                           params.iterations, argon2_budget_work);
    }
    return {};
}

void require_argon2_within_budget(const Argon2Params& params, bool force) {
    if (const auto excess = argon2_over_budget(params); !excess.empty() && !force) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format("Argon2 parameters {} cost too much: {}", to_string(params), excess),
                    "every attempt to authenticate, also by an unknown name, would cost that; add --force if you "
                    "mean it");
    }
}

bool above_recommended(const Argon2Params& params) {
    return params.memory_kib > argon2_recommended_max_memory_kib || total_work(params) > argon2_recommended_max_work;
}

Argon2Params parse_argon2_params(std::string_view text) {
    const std::string original{text};
    auto malformed = [&](std::string_view why) {
        return Error(ErrorKind::invalid_input, fmt::format("invalid Argon2 parameters '{}': {}", original, why),
                     "write them as m=KiB,t=ITERATIONS,p=LANES, for example m=19456,t=2,p=1");
    };
    std::optional<std::uint64_t> m, t, p;
    while (true) {
        const auto equals = text.find('=');
        if (equals == std::string_view::npos) {
            throw malformed("expected KEY=VALUE");
        }
        const auto key = text.substr(0, equals);
        text.remove_prefix(equals + 1);
        std::optional<std::uint64_t>* slot = key == "m" ? &m : key == "t" ? &t : key == "p" ? &p : nullptr;
        if (slot == nullptr) {
            throw malformed(fmt::format("unknown key '{}'", key));
        }
        if (slot->has_value()) {
            throw malformed(fmt::format("'{}' given twice", key));
        }
        *slot = parse_decimal(text);
        if (!slot->has_value() || **slot > 0xffffffffull) {
            throw malformed(fmt::format("'{}' needs a positive whole number", key));
        }
        if (text.empty()) {
            break;
        }
        if (!consume(text, ",")) {
            throw malformed("expected ',' between parameters");
        }
    }
    if (!m || !t || !p) {
        throw malformed("all of m, t and p are required");
    }
    const Argon2Params params{to_u32(*m), to_u32(*t), to_u32(*p)};
    if (const auto problem = argon2_params_problem(params); !problem.empty()) {
        throw malformed(problem);
    }
    return params;
}

std::string to_string(const Argon2Params& params) {
    return fmt::format("m={},t={},p={}", params.memory_kib, params.iterations, params.parallelism);
}

std::optional<PhcHash> parse_phc_hash(std::string_view phc) {
    if (!consume(phc, phc_prefix) || !consume(phc, "m=")) {
        return std::nullopt;
    }
    const auto m = parse_decimal(phc);
    if (!m || !consume(phc, ",t=")) {
        return std::nullopt;
    }
    const auto t = parse_decimal(phc);
    if (!t || !consume(phc, ",p=")) {
        return std::nullopt;
    }
    const auto p = parse_decimal(phc);
    if (!p || !consume(phc, "$")) {
        return std::nullopt;
    }
    if (*m > max_argon2_memory_kib || *t > max_argon2_iterations || *p > max_argon2_parallelism) {
        return std::nullopt;
    }
    PhcHash result;
    result.params = {to_u32(*m), to_u32(*t), to_u32(*p)};
    if (!argon2_params_problem(result.params).empty()) {
        return std::nullopt;
    }
    const auto dollar = phc.find('$');
    if (dollar == std::string_view::npos) {
        return std::nullopt;
    }
    const auto salt = base64_decoded_size(phc.substr(0, dollar));
    const auto hash = base64_decoded_size(phc.substr(dollar + 1));
    if (!salt || !hash || *salt < 8 || *salt > 64 || *hash < 16 || *hash > 64) {
        return std::nullopt;
    }
    result.salt_bytes = *salt;
    result.hash_bytes = *hash;
    return result;
}

std::string hash_password(const Secret& password, const Argon2Params& params, Random& random) {
    if (const auto problem = argon2_params_problem(params); !problem.empty()) {
        throw Error(ErrorKind::invalid_input, "cannot hash with these Argon2 parameters: " + problem);
    }
    start_hashing_threads();
    BotanRandomAdapter rng{random};
    return Botan::argon2_generate_pwhash(password.view().data(), password.size(), rng, params.parallelism,
                                         params.memory_kib, params.iterations, argon2id_variant, salt_bytes,
                                         hash_bytes);
}

std::string make_decoy_hash(const Argon2Params& params, Random& random) {
    std::vector<std::uint8_t> salt(salt_bytes), hash(hash_bytes);
    random.fill(salt);
    random.fill(hash);
    auto unpadded = [](std::string encoded) {
        while (!encoded.empty() && encoded.back() == '=') {
            encoded.pop_back();
        }
        return encoded;
    };
    return fmt::format("{}m={},t={},p={}${}${}", phc_prefix, params.memory_kib, params.iterations, params.parallelism,
                       unpadded(Botan::base64_encode(salt)), unpadded(Botan::base64_encode(hash)));
}

std::string keyed_fingerprint(std::span<const std::uint8_t> key, std::string_view text) {
    const auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key.data(), key.size());
    mac->update(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    const auto tag = mac->final();
    return Botan::hex_encode(tag.data(), 4, /*uppercase=*/false);
}

void skip_locked_memory_pool() {
    // Botan reads it when it first allocates memory for secrets (Botan::mlock_allocator).
    ::setenv("BOTAN_MLOCK_POOL_SIZE", "0", /*overwrite=*/0);
}

HashMatch check_password_hash(const Secret& password, std::string_view phc) {
    if (!parse_phc_hash(phc)) {
        return HashMatch::damaged;
    }
    start_hashing_threads();
    try {
        return Botan::argon2_check_pwhash(password.view().data(), password.size(), std::string{phc})
                   ? HashMatch::match
                   : HashMatch::mismatch;
    } catch (const std::exception&) {
        return HashMatch::damaged;
    }
}

}  // namespace apiuser
