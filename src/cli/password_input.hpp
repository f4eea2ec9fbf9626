#pragma once

// Where a password comes from: a no-echo terminal prompt, standard input, a file (or /dev/fd/N), or
// generation by the library. Never the command line or the environment.

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <apiuser/secret.hpp>

#include "console.hpp"

namespace apiuser::cli {

struct PasswordOptions {
    bool from_stdin = false;
    std::string file;
    bool file_given = false;  // even as "", which is then reported as a bad path
    bool generate = false;
};

// True when no source option was given, so read_password() would ask on the terminal.
bool will_prompt(const PasswordOptions& options);

// Adds --password-stdin, --password-file and (when `allow_generate`) --generate-password to `command`,
// mutually exclusive.
void add_password_options(CLI::App& command, PasswordOptions& options, bool allow_generate);

// How to ask for a password on the terminal.
struct PasswordPrompt {
    SafeText question{"Password: "};
    bool confirm = false;  // ask a second time, and refuse a mismatch
    // Called with the first answer before it is asked for again, so that a password that will be
    // refused is refused at once rather than after it was typed twice; throws to refuse it.
    std::function<void(const Secret&)> check;
};

// Returns the password from the source `options` choose, or nullopt for --generate-password.
// Without an option, or with --password-stdin on a terminal, it asks as `prompt` says; with no
// terminal it fails at once with Error(invalid_input) listing the options, never waiting for input.
// A password read from standard input or a file must be one line.
std::optional<Secret> read_password(const PasswordOptions& options, const PasswordPrompt& prompt, bool allow_generate);

}  // namespace apiuser::cli
