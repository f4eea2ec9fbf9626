#pragma once

#include <cstddef>
#include <string_view>

namespace apiuser {

// Checks a free-text field people type (a description, a company name): valid UTF-8, at most
// `max_code_points`, no control characters, no bidirectional overrides that would make it display other
// than it is stored. Throws Error(invalid_input) naming `field` and the problem.
void validate_text_field(std::string_view field, std::string_view text, std::size_t max_code_points);

}  // namespace apiuser
