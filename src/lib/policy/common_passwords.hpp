#pragma once

// The blocklist of common passwords: zxcvbn's list of the 30,000 most frequent (MIT licence, see
// data/common_passwords.LICENSE), compiled into the library from data/common_passwords.txt at build time
// by data/embed_common_passwords.cpp, so that no file is needed at run time.

#include <span>
#include <string_view>

namespace apiuser {

// Every entry, sorted bytewise (as std::string_view compares) and without duplicates. Entries are printable
// ASCII without capital letters, so each one is already in the case-folded NFKC form the policy compares.
std::span<const std::string_view> common_passwords();

// True when `folded` (a password's case-folded NFKC form, UTF-8) is on the list; a binary search.
bool is_common_password(std::string_view folded);

}  // namespace apiuser
