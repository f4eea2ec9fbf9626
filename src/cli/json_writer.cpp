#include "json_writer.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

namespace apiuser::cli {

namespace {

// True for a byte that nlohmann's serializer would ever write differently: C0 controls, quote, backslash,
// DEL (escaped for a terminal) and every byte beyond ASCII.
constexpr bool needs_serializer(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x7f;
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
    // Almost every string is plain ASCII with nothing to escape: one scan, one copy. Anything else goes to the
    // same serializer, with the same settings, as Console::dump, so that the output cannot differ from it.
    if (std::none_of(value.begin(), value.end(),
                     [](char c) { return needs_serializer(static_cast<unsigned char>(c)); })) {
        text_ += '"';
        text_ += value;
        text_ += '"';
        return;
    }
    text_ += nlohmann::ordered_json(value).dump(-1, ' ', ascii_only_, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace apiuser::cli
