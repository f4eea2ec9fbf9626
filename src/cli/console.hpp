#pragma once

// Where everything the CLI prints goes: results to stdout, diagnostics to stderr, both made safe for a
// terminal. Commands never write to std::cout or std::cerr directly.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <apiuser/secret.hpp>

namespace apiuser::cli {

// JSON documents keep their fields in the order they are written, so that output reads naturally.
using Json = nlohmann::ordered_json;

// Returns `text` with everything that could drive a terminal made visible instead: invalid UTF-8
// bytes, C0 and C1 controls, DEL, bidirectional controls and line/paragraph separators become \xNN
// or \u{NNNN}, and a backslash becomes \\, so that an escaped ESC (\x1b) and the typed text "\x1b"
// look different.
std::string terminal_safe(std::string_view text);

// Returns the number of terminal columns the terminal-safe `text` occupies.
std::size_t display_width(std::string_view text);

// Text that is safe to print on a terminal: whatever is appended is escaped with terminal_safe(),
// except the line breaks, tabs and colours that the program itself adds through the methods meant
// for them. The console prints only this, or plain text that it escapes itself.
class SafeText {
  public:
    SafeText() = default;
    // `text`, escaped.
    explicit SafeText(std::string_view text) { append(text); }

    // Appends `text`, escaped.
    SafeText& append(std::string_view text);
    // Appends `text` as it is: it is safe already.
    SafeText& append(const SafeText& text);
    // Appends `count` spaces (padding).
    SafeText& spaces(std::size_t count);
    // Appends a line break or a tab, the one control a caller may mean: `c` must be '\n' or '\t'.
    SafeText& separator(char c);
    // Removes trailing spaces.
    void trim_end();

    const std::string& str() const { return text_; }
    bool empty() const { return text_.empty(); }

  private:
    friend class Console;  // which alone adds colour codes
    std::string text_;
};

class Console {
  public:
    Console(std::ostream& out, std::ostream& err, bool out_is_terminal, bool err_is_terminal, bool colour);

    std::ostream& out() { return out_; }
    bool out_is_terminal() const { return out_is_terminal_; }

    // Prints one line of results on stdout: `text` escaped with terminal_safe(), so that nothing
    // read from the store or typed by anyone can drive the terminal.
    void result(std::string_view text);
    // Prints one line of results on stdout, made safe already.
    void result(const SafeText& text);
    // Prints `label` (escaped) and a generated password, which is printable ASCII by construction,
    // as it is and without copying it; throws std::logic_error if it is not printable ASCII.
    void secret_result(std::string_view label, const Secret& password);

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

    // "apiuser: warning: ..." on stderr; with JSON on, kept for the next JSON document instead.
    void warning(std::string_view message);

    // With `on`, the command was asked for JSON: warnings go into the next document json() or json_error()
    // prints, as its "warnings" array, rather than on stderr as text.
    void set_json(bool on) { json_ = on; }

    // Prints the warnings that no JSON document has carried, each as one JSON object on stderr.
    void flush_warnings();

    // "apiuser: note: ..." on stderr, for information that is not a result (e.g. "already enabled").
    void note(std::string_view message);

    // One JSON error document on stderr, escaped like json() when stderr is a terminal.
    void json_error(const Json& document);

    // "  - TEXT" on stderr: one item of a list that follows an error.
    void detail(std::string_view text);

    // "apiuser: error: MESSAGE; HINT" on stderr: one line saying what is wrong and what to do.
    void error(std::string_view message, std::string_view hint);

    // `status` ("enabled", "disabled", "revoked"), escaped, in its colour when colour is on.
    SafeText status(std::string_view status) const;

    // Dumps `document` as one line of JSON, as json() would print it, without printing it.
    std::string dump(const Json& document, bool for_terminal) const;

  private:
    // Prints one line that is safe already, or keeps it back while results are held.
    void emit(std::string_view line);
    void diagnostic(std::string_view label, int colour, const SafeText& message);
    // `document` with the warnings kept so far added, which are then no longer kept.
    Json with_warnings(const Json& document);

    std::ostream& out_;
    std::ostream& err_;
    bool out_is_terminal_;
    bool err_is_terminal_;
    bool colour_;
    bool json_ = false;
    std::vector<std::string> warnings_;
    bool out_is_stdout_;  // out_ is std::cout, whose file descriptor is written directly
    bool holding_ = false;
    Secret held_;  // the results kept back, which may hold a generated password
};

}  // namespace apiuser::cli
