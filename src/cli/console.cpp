#include "console.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>
#include <unistr.h>
#include <uniwidth.h>

#include <apiuser/errors.hpp>

namespace apiuser::cli {

namespace {

bool must_escape(ucs4_t c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
           c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f || c == 0x061c;
}

constexpr int red = 31;
constexpr int green = 32;
constexpr int yellow = 33;
constexpr int cyan = 36;

std::string coloured(std::string_view text, int colour) {
    return fmt::format("\x1b[{}m{}\x1b[0m", colour, text);
}

// Error messages quote what they refuse: a 100 KiB argument must not make the one error line 100 KiB long.
constexpr std::size_t max_message_bytes = 1000;

// Returns the terminal-safe `message`, or when it is longer than max_message_bytes its beginning and end
// around a note of how much was left out, cut between UTF-8 characters.
std::string shortened(std::string_view message) {
    if (message.size() <= max_message_bytes) {
        return std::string{message};
    }
    const auto character_start = [&](std::size_t at) {
        while (at > 0 && (static_cast<unsigned char>(message[at]) & 0xc0) == 0x80) {
            --at;
        }
        return at;
    };
    const std::size_t head = character_start(max_message_bytes / 2);
    const std::size_t tail = character_start(message.size() - max_message_bytes / 2);
    return fmt::format("{}[... {} bytes ...]{}", message.substr(0, head), tail - head, message.substr(tail));
}

}  // namespace

std::string terminal_safe(std::string_view text) {
    std::string safe;
    safe.reserve(text.size());
    const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        ucs4_t c = 0;
        const int n = u8_mbtoucr(&c, p, static_cast<std::size_t>(end - p));
        if (n < 0) {
            fmt::format_to(std::back_inserter(safe), "\\x{:02x}", *p);
            ++p;
            continue;
        }
        if (c == '\\') {
            safe += "\\\\";
        } else if (must_escape(c)) {
            if (c < 0x80) {
                fmt::format_to(std::back_inserter(safe), "\\x{:02x}", c);
            } else {
                fmt::format_to(std::back_inserter(safe), "\\u{{{:04x}}}", c);
            }
        } else {
            safe.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
        }
        p += n;
    }
    return safe;
}

std::size_t display_width(std::string_view text) {
    const int width = u8_strwidth(reinterpret_cast<const std::uint8_t*>(std::string{text}.c_str()), "UTF-8");
    return width < 0 ? text.size() : static_cast<std::size_t>(width);
}

SafeText& SafeText::append(std::string_view text) {
    text_ += terminal_safe(text);
    return *this;
}

SafeText& SafeText::append(const SafeText& text) {
    text_ += text.text_;
    return *this;
}

SafeText& SafeText::spaces(std::size_t count) {
    text_.append(count, ' ');
    return *this;
}

SafeText& SafeText::separator(char c) {
    if (c != '\n' && c != '\t') {
        throw std::logic_error("SafeText::separator: only a line break or a tab");
    }
    text_ += c;
    return *this;
}

void SafeText::trim_end() {
    while (!text_.empty() && text_.back() == ' ') {
        text_.pop_back();
    }
}

Console::Console(std::ostream& out, std::ostream& err, bool out_is_terminal, bool err_is_terminal, bool colour)
    : out_(out),
      err_(err),
      out_is_terminal_(out_is_terminal),
      err_is_terminal_(err_is_terminal),
      colour_(colour),
      out_is_stdout_(&out == &std::cout) {}

void Console::emit(std::string_view line) {
    if (holding_) {
        held_.append(line);
        held_.push_back('\n');
        return;
    }
    out_ << line << '\n';
}

void Console::result(std::string_view text) {
    emit(terminal_safe(text));
}

void Console::result(const SafeText& text) {
    emit(text.str());
}

void Console::secret_result(std::string_view label, const Secret& password) {
    const auto bytes = password.view();
    if (!std::all_of(bytes.begin(), bytes.end(), [](char c) { return c >= 0x21 && c <= 0x7e; })) {
        throw std::logic_error("Console::secret_result: a generated password must be printable ASCII");
    }
    const auto safe_label = terminal_safe(label);
    Secret line;
    line.reserve(safe_label.size() + bytes.size());
    line.append(safe_label);
    line.append(bytes);
    emit(line.view());
}

std::string Console::dump(const Json& document, bool for_terminal) const {
    return document.dump(-1, ' ', for_terminal, Json::error_handler_t::replace);
}

Json Console::with_warnings(const Json& document) {
    if (warnings_.empty() || !document.is_object()) {
        return document;
    }
    auto extended = document;
    extended["warnings"] = std::move(warnings_);
    warnings_.clear();
    return extended;
}

void Console::hold_results() {
    holding_ = true;
    if (out_is_stdout_) {
        std::signal(SIGPIPE, SIG_IGN);
    }
}

void Console::release_results() {
    holding_ = false;
    if (held_.empty()) {
        return;
    }
    const auto text = held_.view();
    int error_number = 0;
    if (out_is_stdout_) {
        // Straight to the descriptor: stdio's buffer would be one more copy of a generated password.
        out_.flush();
        for (std::size_t done = 0; done < text.size() && error_number == 0;) {
            const auto n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
            if (n >= 0) {
                done += static_cast<std::size_t>(n);
            } else if (errno != EINTR) {
                error_number = errno;
            }
        }
    } else {
        out_.write(text.data(), static_cast<std::streamsize>(text.size()));
        out_.flush();
        error_number = out_.good() ? 0 : EIO;
    }
    held_.clear();
    if (error_number != 0) {
        throw Error(ErrorKind::store, fmt::format("cannot write to standard output ({})", std::strerror(error_number)),
                    "nothing was changed; retry with standard output going somewhere that can take it");
    }
}

void Console::json(const Json& document, const Secret* password) {
    if (password == nullptr) {
        emit(dump(with_warnings(document), out_is_terminal_));
        return;
    }
    auto text = dump(with_warnings(document), out_is_terminal_);
    text.pop_back();  // the object's closing brace
    Secret line;
    line.reserve(text.size() + password->size() * 6 + 16);
    line.append(text);
    line.append(text.size() > 1 ? ",\"password\":\"" : "\"password\":\"");
    // Escaped as nlohmann's serializer would: a generated password is printable ASCII, so in practice only
    // a quote or a backslash is ever escaped.
    for (const char c : password->view()) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            line.push_back('\\');
            line.push_back(c);
        } else if (byte < 0x20) {
            constexpr std::string_view hex = "0123456789abcdef";
            line.append("\\u00");
            line.push_back(hex[byte >> 4]);
            line.push_back(hex[byte & 0xf]);
        } else {
            line.push_back(c);
        }
    }
    line.append("\"}");
    emit(line.view());
}

void Console::json_error(const Json& document) {
    err_ << dump(with_warnings(document), err_is_terminal_) << '\n';
}

void Console::flush_warnings() {
    for (const auto& message : warnings_) {
        err_ << dump(Json{{"warning", message}}, err_is_terminal_) << '\n';
    }
    warnings_.clear();
}

void Console::detail(std::string_view text) {
    err_ << "  - " << terminal_safe(text) << '\n';
}

void Console::diagnostic(std::string_view label, int colour, const SafeText& message) {
    const std::string prefix = colour_ && err_is_terminal_ ? coloured(label, colour) : std::string{label};
    err_ << "apiuser: " << prefix << ": " << message.str() << '\n';
}

void Console::warning(std::string_view message) {
    if (json_) {
        warnings_.emplace_back(message);
        return;
    }
    diagnostic("warning", yellow, SafeText{message});
}

void Console::note(std::string_view message) {
    diagnostic("note", cyan, SafeText{message});
}

void Console::error(std::string_view message, std::string_view hint) {
    SafeText text;
    text.text_ = shortened(terminal_safe(message));  // cut after escaping, between whole escapes
    if (!hint.empty()) {
        text.append("; ").append(hint);
    }
    diagnostic("error", red, text);
}

SafeText Console::status(std::string_view status) const {
    SafeText text{status};
    if (colour_ && out_is_terminal_) {
        const int colour = status == "enabled" ? green : status == "disabled" ? yellow : red;
        text.text_ = coloured(text.text_, colour);
    }
    return text;
}

}  // namespace apiuser::cli
