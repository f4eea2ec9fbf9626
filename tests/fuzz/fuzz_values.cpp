// The small parsers of command-line values: timestamps, durations and Argon2 parameters, on any bytes.
// The first byte chooses the parser.

#include <apiuser/clock.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/password_hash.hpp>

#include "fuzz_support.hpp"

using namespace apiuser;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto text = fuzz::as_text(data + 1, size - 1);
    switch (data[0] % 3) {
        case 0:
            if (const auto t = parse_timestamp(text)) {
                // What is parsed formats to a string that parses back to the same instant.
                fuzz::require(parse_timestamp(format_timestamp(*t)) == t, "a timestamp does not round-trip");
            }
            break;
        case 1:
            if (const auto d = parse_duration(text)) {
                fuzz::require(d->count() > 0, "a duration that is not positive");
            }
            break;
        default:
            try {
                const auto params = parse_argon2_params(text);
                fuzz::require(argon2_params_problem(params).empty(), "accepted Argon2 parameters out of bounds");
                fuzz::require(parse_argon2_params(to_string(params)) == params, "Argon2 parameters do not round-trip");
            } catch (const Error& e) {
                fuzz::require(e.kind() == ErrorKind::invalid_input, "an Argon2 error that is not invalid_input");
            }
            break;
    }
    return 0;
}
