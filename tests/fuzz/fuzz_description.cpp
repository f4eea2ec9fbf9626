// Description validation on any bytes: it accepts only what can be shown safely, and never crashes.

#include <apiuser/api_users.hpp>
#include <apiuser/errors.hpp>

#include "fuzz_support.hpp"

using namespace apiuser;

namespace {

// An independent, deliberately naive UTF-8 decoder: the invariants below do not trust the library's.
bool decode(std::string_view text, std::vector<std::uint32_t>& out) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        std::uint32_t code_point = length == 1 ? c : c & (0x7fu >> length);
        for (std::size_t k = 1; k < length; ++k) {
            const auto continuation = static_cast<unsigned char>(text[i + k]);
            if ((continuation & 0xc0) != 0x80) {
                return false;
            }
            code_point = (code_point << 6) | (continuation & 0x3fu);
        }
        static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < smallest[length] || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) {
            return false;
        }
        out.push_back(code_point);
        i += length;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::as_text(data, size);
    bool accepted = true;
    try {
        validate_description(text);
    } catch (const Error& e) {
        fuzz::require(e.kind() == ErrorKind::invalid_input, "a description error that is not invalid_input");
        fuzz::require(std::string_view{e.what()}.find("description") != std::string_view::npos,
                      "a description error that does not say what is wrong");
        accepted = false;
    }
    std::vector<std::uint32_t> code_points;
    const bool valid = decode(text, code_points);
    if (accepted) {
        fuzz::require(valid, "accepted invalid UTF-8");
        fuzz::require(code_points.size() <= 255, "accepted more than 255 characters");
        for (const auto c : code_points) {
            fuzz::require(!(c < 0x20 || (c >= 0x7f && c <= 0x9f)), "accepted a control character");
            fuzz::require(!((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)),
                          "accepted a bidirectional override");
        }
    } else if (valid && code_points.size() <= 255) {
        bool has_forbidden = false;
        for (const auto c : code_points) {
            has_forbidden = has_forbidden || c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
                            (c >= 0x2066 && c <= 0x2069);
        }
        fuzz::require(has_forbidden, "refused a harmless description");
    }
    return 0;
}
