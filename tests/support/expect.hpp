#pragma once

// Checks shared by the end-to-end tests.

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "process.hpp"

namespace apiuser::test {

inline std::string describe(const ProcessResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

// A refusal prints nothing on stdout and exactly one diagnostic on stderr: one "apiuser: error:" line, or
// with --json one JSON error object carrying the exit code.
inline void check_error_output(const ProcessResult& r, const std::vector<std::string>& args, int exit_code) {
    INFO(describe(r));
    CHECK(r.exit_code == exit_code);
    CHECK(r.out.empty());
    if (std::find(args.begin(), args.end(), "--json") != args.end()) {
        const auto error = nlohmann::json::parse(r.err, nullptr, false);
        REQUIRE_FALSE(error.is_discarded());
        CHECK(error["exit_code"] == exit_code);
        CHECK_FALSE(error["message"].get<std::string>().empty());
    } else {
        CHECK(r.err.rfind("apiuser: error: ", 0) == 0);
        if (exit_code != 4) {  // a password rejection lists each violation on a line of its own
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        }
    }
}

}  // namespace apiuser::test
