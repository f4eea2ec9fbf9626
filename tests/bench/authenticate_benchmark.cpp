// Rows 7 and 10-14 of tests/bench/run: the library's Authenticator, in process, on a store of its own.
//
// - authenticate_outcome/<outcome>: the time one call takes for each way it can end. Every failure must
//   cost what a success costs (one Argon2id run), so that timing does not tell an attacker which
//   usernames exist or are revoked.
// - authenticate_mixed/<outcome>: the same on a store whose setting was raised after some API users were
//   hashed (`account set --argon2`), so that it holds old and new hashes: every failure, on either, must
//   still cost what a correct password on a current hash costs.
// - authenticate_throughput: calls per second from 1 and from 2 threads sharing one Authenticator, as an
//   API server makes them; hashing runs outside any lock, so 2 threads should do nearly twice the work.
//
// usage: apiuser_bench_authenticate --dir=EMPTY_DIRECTORY [--argon2=m=KiB,t=N,p=N] [--old-argon2=m=KiB,t=N,p=N]
//                                   [Google Benchmark flags]

#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <benchmark/benchmark.h>

#include <apiuser/account.hpp>
#include <apiuser/api_users.hpp>
#include <apiuser/authenticator.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/session.hpp>
#include <apiuser/store.hpp>

namespace {

using apiuser::AuthenticationOutcome;

constexpr std::string_view password = "c0rrect-h0rse-battery";
constexpr std::string_view wrong_password = "c0rrect-h0rse-batterx";  // same length: same hashing work
constexpr std::string_view unknown_username = "apiuser-000000000000@apiconnector.com";

struct Call {
    std::string username;
    std::string_view password;
    AuthenticationOutcome expected;
};

// The store and the one Authenticator every benchmark (and every thread) shares, as a server would.
struct Bench {
    std::unique_ptr<apiuser::Authenticator> authenticator;
    std::vector<std::pair<std::string, Call>> calls;  // by name, in the order they are registered
    std::unique_ptr<apiuser::Authenticator> mixed_authenticator;
    std::vector<std::pair<std::string, Call>> mixed_calls;
};

Bench& bench() {
    static Bench instance;
    return instance;
}

// A benchmark of the wrong path would be worthless: checks each call ends as intended before timing it.
void check_outcomes(apiuser::Authenticator& authenticator, const std::vector<std::pair<std::string, Call>>& calls) {
    for (const auto& [name, call] : calls) {
        const auto outcome = authenticator.authenticate(call.username, call.password).outcome;
        if (outcome != call.expected) {
            throw std::runtime_error(name + " ended with " + std::string{apiuser::to_string(outcome)});
        }
    }
}

// Creates the store: an owner, and one API user for each outcome (a separate one for the wrong password,
// so that its failure counter does not make the correct password's calls write).
void prepare(const std::filesystem::path& directory, const apiuser::Argon2Params& params) {
    const apiuser::SystemClock clock;
    apiuser::SystemRandom random;
    const auto path = directory / "authenticate.db";
    apiuser::init_account(path, {"Bench Ltd", "apiconnector.com", "bench", "", params}, clock);
    auto store = apiuser::Store::open(path);
    apiuser::Session session{store, "bench", clock, random};
    const auto create = [&](bool disabled) {
        return apiuser::create_api_user(session, {"", disabled, apiuser::Secret{password}}).user.username;
    };
    const auto correct = create(false);
    const auto wrong = create(false);
    const auto disabled = create(true);
    const auto revoked = create(false);
    apiuser::revoke(session, std::vector<std::string>{revoked});

    auto& b = bench();
    b.authenticator =
        std::make_unique<apiuser::Authenticator>(path, apiuser::AuthenticatorOptions{{}, "bench", nullptr});
    b.calls = {{"correct_password", {correct, password, AuthenticationOutcome::success}},
               {"wrong_password", {wrong, wrong_password, AuthenticationOutcome::wrong_password}},
               {"unknown_user", {std::string{unknown_username}, password, AuthenticationOutcome::unknown_user}},
               {"revoked_user", {revoked, password, AuthenticationOutcome::revoked}},
               {"disabled_user", {disabled, password, AuthenticationOutcome::disabled}}};
    check_outcomes(*b.authenticator, b.calls);
}

// The mixed store: API users hashed with `old`, then the setting raised to `params` (as `account set
// --argon2` does), then API users hashed with it; one more whose stored hash is damaged.
void prepare_mixed(const std::filesystem::path& directory, const apiuser::Argon2Params& old,
                   const apiuser::Argon2Params& params) {
    const apiuser::SystemClock clock;
    apiuser::SystemRandom random;
    const auto path = directory / "mixed.db";
    apiuser::init_account(path, {"Bench Ltd", "apiconnector.com", "bench", "", old}, clock);
    auto store = apiuser::Store::open(path);
    apiuser::Session session{store, "bench", clock, random};
    const auto create = [&](bool disabled) {
        return apiuser::create_api_user(session, {"", disabled, apiuser::Secret{password}}).user.username;
    };
    const auto old_wrong = create(false);
    const auto old_disabled = create(true);
    const auto damaged = create(false);
    apiuser::update_account(session, {std::nullopt, params});
    const auto correct = create(false);
    const auto wrong = create(false);
    const auto disabled = create(true);
    const auto revoked = create(false);
    apiuser::revoke(session, std::vector<std::string>{revoked});
    {
        SQLite::Database db{path.string(), SQLite::OPEN_READWRITE};
        SQLite::Statement damage{db, "UPDATE api_users SET password_hash = 'damaged' WHERE username = ?"};
        damage.bind(1, damaged);
        damage.exec();
    }

    auto& b = bench();
    b.mixed_authenticator =
        std::make_unique<apiuser::Authenticator>(path, apiuser::AuthenticatorOptions{{}, "bench", nullptr});
    b.mixed_calls = {{"correct_password", {correct, password, AuthenticationOutcome::success}},
                     {"wrong_password_new_hash", {wrong, wrong_password, AuthenticationOutcome::wrong_password}},
                     {"wrong_password_old_hash", {old_wrong, wrong_password, AuthenticationOutcome::wrong_password}},
                     {"disabled_user_new_hash", {disabled, password, AuthenticationOutcome::disabled}},
                     {"disabled_user_old_hash", {old_disabled, password, AuthenticationOutcome::disabled}},
                     {"revoked_user", {revoked, password, AuthenticationOutcome::revoked}},
                     {"unknown_user", {std::string{unknown_username}, password, AuthenticationOutcome::unknown_user}},
                     {"damaged_hash", {damaged, password, AuthenticationOutcome::damaged_credential}}};
    check_outcomes(*b.mixed_authenticator, b.mixed_calls);
}

void authenticate_outcome(benchmark::State& state, apiuser::Authenticator* authenticator, const Call* call) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(authenticator->authenticate(call->username, call->password));
    }
}

void authenticate_throughput(benchmark::State& state) {
    auto& authenticator = *bench().authenticator;
    const Call& call = bench().calls.front().second;
    for (auto _ : state) {
        benchmark::DoNotOptimize(authenticator.authenticate(call.username, call.password));
    }
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

int main(int argc, char* argv[]) {
    benchmark::Initialize(&argc, argv);
    std::filesystem::path directory;
    apiuser::Argon2Params params = apiuser::recommended_argon2_params;
    apiuser::Argon2Params old_params{4864, 2, 1};  // a quarter of the recommended work
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view argument = argv[i];
            if (argument.starts_with("--dir=")) {
                directory = argument.substr(std::strlen("--dir="));
            } else if (argument.starts_with("--argon2=")) {
                params = apiuser::parse_argon2_params(argument.substr(std::strlen("--argon2=")));
            } else if (argument.starts_with("--old-argon2=")) {
                old_params = apiuser::parse_argon2_params(argument.substr(std::strlen("--old-argon2=")));
            } else {
                std::cerr << "apiuser_bench_authenticate: unknown argument " << argument << "\n";
                return 2;
            }
        }
        if (directory.empty()) {
            std::cerr << "apiuser_bench_authenticate: --dir=EMPTY_DIRECTORY is required\n";
            return 2;
        }
        prepare(directory, params);
        prepare_mixed(directory, old_params, params);
    } catch (const std::exception& e) {
        std::cerr << "apiuser_bench_authenticate: " << e.what() << "\n";
        return 1;
    }
    for (const auto& [name, call] : bench().calls) {
        benchmark::RegisterBenchmark(("authenticate_outcome/" + name).c_str(), authenticate_outcome,
                                     bench().authenticator.get(), &call)
            ->Unit(benchmark::kMillisecond);
    }
    for (const auto& [name, call] : bench().mixed_calls) {
        benchmark::RegisterBenchmark(("authenticate_mixed/" + name).c_str(), authenticate_outcome,
                                     bench().mixed_authenticator.get(), &call)
            ->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark("authenticate_throughput", authenticate_throughput)
        ->Threads(1)
        ->Threads(2)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::AddCustomContext("argon2", apiuser::to_string(params));
    benchmark::AddCustomContext("old_argon2", apiuser::to_string(old_params));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    bench().authenticator.reset();
    bench().mixed_authenticator.reset();
    return 0;
}
