#pragma once

// Where everything the CLI prints goes: results to stdout, diagnostics to stderr, both made safe for a
// terminal. Commands never write to std::cout or std::cerr directly.

#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include <apiuser/secret.hpp>

namespace apiuser::cli {

// JSON documents keep their fields in the order they are written, so that output reads naturally.
using Json = nlohmann::ordered_json;

// Returns `text` with everything that could drive a terminal made visible instead: invalid UTF-8 bytes,
// C0 and C1 controls, DEL, bidirectional controls and line/paragraph separators become \xNN or \u{NNNN}.
std::string terminal_safe(std::string_view text);

// Returns the number of terminal columns the terminal-safe `text` occupies.
std::size_t display_width(std::string_view text);

class Console {
public:
    Console(std::ostream& out, std::ostream& err, bool out_is_terminal, bool err_is_terminal, bool colour);

    std::ostream& out() { return out_; }
    bool out_is_terminal() const { return out_is_terminal_; }

    // Prints one line of results on stdout; `text` must already be terminal-safe.
    void result(std::string_view text);

    // From now on keeps every result back, in wiped memory, until release_results(): a command that
    // changes the store prints its whole result before it commits, so that a failed write changes nothing.
    // SIGPIPE is ignored from here on, so that a closed pipe is a write error and not death mid-commit.
    void hold_results();
    // Writes the results kept back to stdout and flushes it; throws Error(store) when that fails.
    void release_results();

    // Prints one JSON document on stdout. On a terminal every non-ASCII character is escaped, so that
    // stored text can never drive it; in a pipe the output is plain UTF-8. With `password`, the object
    // `document` gets a last member "password", written without any copy outside wiped memory.
    void json(const Json& document, const Secret* password = nullptr);

    // Prints `label` and then `secret` as one line of results, without any copy outside wiped memory.
    void secret_result(std::string_view label, const Secret& secret);

    // "apiuser: warning: ..." on stderr.
    void warning(std::string_view message);

    // "apiuser: note: ..." on stderr, for information that is not a result (e.g. "already enabled").
    void note(std::string_view message);

    // One JSON error document on stderr, escaped like json() when stderr is a terminal.
    void json_error(const Json& document);

    // "  - TEXT" on stderr: one item of a list that follows an error.
    void detail(std::string_view text);

    // "apiuser: error: MESSAGE; HINT" on stderr: one line saying what is wrong and what to do.
    void error(std::string_view message, std::string_view hint);

    // Wraps `text` in the colour for `status` ("enabled", "disabled", "revoked") when colour is on.
    std::string status(std::string_view status) const;

    // Dumps `document` as one line of JSON, as json() would print it, without printing it.
    std::string dump(const Json& document, bool for_terminal) const;

private:
    void diagnostic(std::string_view label, int colour, std::string_view message);

    std::ostream& out_;
    std::ostream& err_;
    bool out_is_terminal_;
    bool err_is_terminal_;
    bool colour_;
    bool out_is_stdout_;  // out_ is std::cout, whose file descriptor is written directly
    bool holding_ = false;
    Secret held_;  // the results kept back, which may hold a generated password
};

}  // namespace apiuser::cli
