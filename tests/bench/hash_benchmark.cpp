// Row 2 of tests/bench/run: the library's password hashing (Botan's Argon2id, through hash_password)
// against the reference implementation (libargon2) in the same process, with the same parameters, salt
// length and hash length, each producing a PHC string from a fresh random salt. A third measurement, Botan's
// argon2() called directly with a fixed salt, separates what hash_password adds from what Botan's Argon2
// costs by itself.
//
// usage: apiuser_bench_hash [--argon2=m=KiB,t=N,p=N] [Google Benchmark flags]

#include <array>
#include <cstring>
#include <iostream>
#include <string>

#include <argon2.h>
#include <benchmark/benchmark.h>
#include <botan/argon2.h>
#include <sys/random.h>

#include <apiuser/errors.hpp>
#include <apiuser/password_hash.hpp>
#include <apiuser/random.hpp>
#include <apiuser/secret.hpp>

namespace {

// What hash_password uses: 16 bytes of salt, 32 bytes of hash.
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
constexpr std::string_view password = "c0rrect-h0rse-battery";

apiuser::Argon2Params params = apiuser::recommended_argon2_params;

void library_hash_password(benchmark::State& state) {
    apiuser::SystemRandom random;
    const apiuser::Secret secret{password};
    for (auto _ : state) {
        benchmark::DoNotOptimize(apiuser::hash_password(secret, params, random));
    }
}

void libargon2_hash_encoded(benchmark::State& state) {
    std::array<std::uint8_t, salt_bytes> salt{};
    const auto encoded_length =
        argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism, salt_bytes, hash_bytes, Argon2_id);
    std::string encoded(encoded_length, '\0');
    for (auto _ : state) {
        if (::getrandom(salt.data(), salt.size(), 0) != static_cast<ssize_t>(salt.size())) {
            state.SkipWithError("getrandom failed");
            break;
        }
        const int result = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                                 password.data(), password.size(), salt.data(), salt.size(), hash_bytes,
                                                 encoded.data(), encoded.size());
        if (result != ARGON2_OK) {
            state.SkipWithError(argon2_error_message(result));
            break;
        }
        benchmark::DoNotOptimize(encoded.data());
    }
}

void botan_argon2_alone(benchmark::State& state) {
    std::array<std::uint8_t, salt_bytes> salt{};
    std::array<std::uint8_t, hash_bytes> output{};
    constexpr std::uint8_t argon2id = 2;  // Botan's numbering: 0 Argon2d, 1 Argon2i, 2 Argon2id
    for (auto _ : state) {
        Botan::argon2(output.data(), output.size(), password.data(), password.size(), salt.data(), salt.size(), nullptr,
                      0, nullptr, 0, argon2id, params.parallelism, params.memory_kib, params.iterations);
        benchmark::DoNotOptimize(output.data());
    }
}

BENCHMARK(library_hash_password)->Unit(benchmark::kMillisecond);
BENCHMARK(libargon2_hash_encoded)->Unit(benchmark::kMillisecond);
BENCHMARK(botan_argon2_alone)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char* argv[]) {
    benchmark::Initialize(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        if (!argument.starts_with("--argon2=")) {
            std::cerr << "apiuser_bench_hash: unknown argument " << argument << "\n";
            return 2;
        }
        try {
            params = apiuser::parse_argon2_params(argument.substr(std::strlen("--argon2=")));
        } catch (const apiuser::Error& e) {
            std::cerr << "apiuser_bench_hash: " << e.what() << "\n";
            return 2;
        }
    }
    benchmark::AddCustomContext("argon2", apiuser::to_string(params));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
