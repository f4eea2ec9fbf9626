#pragma once

// Where a password comes from: a no-echo terminal prompt, standard input, a file (or /dev/fd/N), or
// generation by the library. Never the command line or the environment.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <apiuser/secret.hpp>

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

// Returns the password from the source `options` choose, or nullopt for --generate-password. Without an
// option it prompts on a terminal (twice when `confirm`); with no terminal it fails at once with
// Error(invalid_input) listing the options, never waiting for input.
std::optional<Secret> read_password(const PasswordOptions& options, bool confirm, bool allow_generate);

}  // namespace apiuser::cli
