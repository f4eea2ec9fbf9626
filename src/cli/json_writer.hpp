#pragma once

// A JSON writer that appends text straight to a buffer, for output too large to build as a document
// first: `list --json` of a million API users would otherwise spend most of its time building and
// freeing nlohmann documents. What it writes is byte for byte what Console::dump prints for the same
// document (compact, non-ASCII escaped for a terminal, invalid UTF-8 replaced by U+FFFD).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace apiuser::cli {

class JsonWriter {
  public:
    // `ascii_only`: escape every non-ASCII character as \uXXXX, as Console does for a terminal.
    explicit JsonWriter(bool ascii_only) : ascii_only_(ascii_only) {}

    // Objects hold values written after a key(); a value written outside any object is a document of its
    // own (the caller separates documents). There are no arrays: nothing streamed needs them yet.
    void begin_object();
    void end_object();
    // Writes the name of the next member of the current object: one of ours, printable ASCII with no quote
    // or backslash, so written as it is.
    void key(std::string_view name);
    void string(std::string_view value);
    void integer(std::int64_t value);
    void boolean(bool value);
    void null();

    // The text written so far; the caller may print and clear it between top-level values.
    std::string& text() noexcept { return text_; }

  private:
    void append_string(std::string_view value);

    std::string text_;
    bool ascii_only_;
    std::vector<bool> has_members_;  // per open object: whether it has a member yet (for the commas)
};

}  // namespace apiuser::cli
