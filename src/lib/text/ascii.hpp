#pragma once

#include <string>
#include <string_view>

namespace apiuser {

// Lowercases ASCII letters only: for names that are ASCII by definition (domains, hex ids, logins).
inline std::string to_lower_ascii(std::string_view text) {
    std::string lower{text};
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

}  // namespace apiuser
