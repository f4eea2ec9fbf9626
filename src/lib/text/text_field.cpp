#include "text/text_field.hpp"

#include <fmt/format.h>

#include <apiuser/errors.hpp>

#include "text/unicode.hpp"

namespace apiuser {

void validate_text_field(std::string_view field, std::string_view text, std::size_t max_code_points) {
    if (!unicode::is_valid_utf8(text)) {
        throw Error(ErrorKind::invalid_input, fmt::format("the {} is not valid UTF-8", field),
                    "check the terminal's or the script's character encoding");
    }
    const auto code_points = unicode::decode(text);
    if (code_points.size() > max_code_points) {
        throw Error(
            ErrorKind::invalid_input,
            fmt::format("the {} is too long: {} characters, at most {}", field, code_points.size(), max_code_points),
            "shorten it");
    }
    for (std::size_t i = 0; i < code_points.size(); ++i) {
        const char32_t c = code_points[i];
        if (unicode::is_control(c)) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format("the {} contains a control character (U+{:04X}) at position {}", field,
                                    static_cast<std::uint32_t>(c), i + 1),
                        "remove it; tabs, newlines and escape sequences are not allowed");
        }
        if (unicode::is_bidi_control(c)) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format("the {} contains a bidirectional override (U+{:04X}) at position {}", field,
                                    static_cast<std::uint32_t>(c), i + 1),
                        "remove it; it can make text display differently from what is stored");
        }
    }
}

}  // namespace apiuser
