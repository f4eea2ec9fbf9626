#pragma once

// Everything that talks to a terminal directly: the no-echo password prompt and yes/no confirmation.

#include <optional>
#include <string_view>

#include <apiuser/secret.hpp>

#include "console.hpp"

namespace apiuser::cli {

// True when `fd` is a terminal.
bool is_terminal(int fd);

// Shows `prompt` on the terminal and reads one line with echo off; Ctrl-C, SIGTERM and the like
// restore the terminal before the process ends. Stops storing after `max_bytes` and returns nullopt
// if the line was longer. Throws Error(invalid_input) when input ends before a line.
std::optional<Secret> prompt_secret(const SafeText& prompt, std::size_t max_bytes);

// Asks `question` on the terminal and returns true only for the whole word "yes" (any case).
bool confirm(const SafeText& question);

}  // namespace apiuser::cli
