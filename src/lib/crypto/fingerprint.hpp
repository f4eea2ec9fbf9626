#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace apiuser {

// A short keyed fingerprint of `text`: the first 8 hex digits of HMAC-SHA256 under `key`. Without the key it
// tells nothing about `text`, not even whether a guess is right; under one key, equal texts match.
// (Implemented in password_hash.cpp, the file that sees Botan.)
std::string keyed_fingerprint(std::span<const std::uint8_t> key, std::string_view text);

}  // namespace apiuser
