#pragma once

#include <ostream>

namespace apiuser::cli {

// The whole command-line tool: parses `argv`, runs one command, prints its results on `out` and
// diagnostics on `err`, and returns the exit code (see exit_codes.hpp). Never throws.
int run(int argc, const char* const argv[], std::ostream& out, std::ostream& err);

// The same on the process's standard output and error, also reporting a failure to write them.
int run(int argc, const char* const argv[]);

}  // namespace apiuser::cli
