#include <unistr.h>

#include <algorithm>
#include <array>
#include <charconv>

#include <nlohmann/json.hpp>

#include "json_writer.hpp"

namespace apiuser::cli {

namespace {

// What each byte needs. nlohmann's serializer escapes C0 controls, quote and backslash whatever the mode,
// and, for a terminal, DEL and everything beyond ASCII.
enum ByteClass : std::uint8_t { plain, escaped, del, non_ascii };

constexpr auto byte_classes = [] {
    std::array<ByteClass, 256> table{};
    for (std::size_t c = 0; c < 0x20; ++c) {
        table[c] = escaped;
    }
    table['"'] = table['\\'] = escaped;
    table[0x7f] = del;
    for (std::size_t c = 0x80; c < 0x100; ++c) {
        table[c] = non_ascii;
    }
    return table;
}();

constexpr char hex_digits[] = "0123456789abcdef";

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += hex_digits[c >> 4];
            out += hex_digits[c & 0x0f];
            break;
    }
}

}  // namespace

void JsonWriter::begin_object() {
    text_ += '{';
    has_members_.push_back(false);
}

void JsonWriter::end_object() {
    text_ += '}';
    has_members_.pop_back();
}

void JsonWriter::key(std::string_view name) {
    text_ += has_members_.back() ? ",\"" : "\"";
    has_members_.back() = true;
    text_ += name;
    text_ += "\":";
}

void JsonWriter::string(std::string_view value) {
    append_string(value);
}

void JsonWriter::integer(std::int64_t value) {
    char digits[24];
    const auto end = std::to_chars(std::begin(digits), std::end(digits), value).ptr;
    text_.append(digits, end);
}

void JsonWriter::boolean(bool value) {
    text_ += value ? "true" : "false";
}

void JsonWriter::null() {
    text_ += "null";
}

void JsonWriter::append_string(std::string_view value) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(value.data());
    const auto* end = bytes + value.size();
    // Almost every string is plain ASCII with nothing to escape: one scan, one copy.
    const auto* first_special = std::find_if(bytes, end, [](std::uint8_t c) { return byte_classes[c] != plain; });
    if (first_special == end) {
        text_ += '"';
        text_ += value;
        text_ += '"';
        return;
    }
    const bool has_non_ascii = std::any_of(first_special, end, [](std::uint8_t c) { return c >= 0x80; });
    if (has_non_ascii && (ascii_only_ || u8_check(bytes, value.size()) != nullptr)) {
        // Rare (stored text is checked to be UTF-8; a terminal reads slowly anyway): let the serializer
        // Console::dump uses decide every escape and replacement, so that the output cannot differ.
        text_ += nlohmann::ordered_json(value).dump(-1, ' ', ascii_only_, nlohmann::ordered_json::error_handler_t::replace);
        return;
    }
    text_ += '"';
    std::size_t run = 0;  // start of the bytes not yet appended
    for (std::size_t i = static_cast<std::size_t>(first_special - bytes); i < value.size(); ++i) {
        const auto c = bytes[i];
        if (byte_classes[c] == escaped || (byte_classes[c] == del && ascii_only_)) {
            text_.append(value, run, i - run);
            append_escape(text_, c);
            run = i + 1;
        }
    }
    text_.append(value, run, value.size() - run);
    text_ += '"';
}

}  // namespace apiuser::cli
