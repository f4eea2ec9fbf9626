#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <apiuser/random.hpp>

namespace apiuser {

inline constexpr std::string_view username_prefix = "apiuser-";
inline constexpr std::size_t api_user_id_length = 12;  // hex digits: 48 random bits

// Returns a fresh API user id: 12 lowercase hex digits from `random`.
std::string generate_api_user_id(Random& random);

// Returns the username for `id` in `domain`: "apiuser-<id>@<domain>".
std::string make_username(std::string_view id, std::string_view domain);

// Returns the id named by `reference`, which may be a username ("apiuser-<id>@<domain>", any case,
// `domain` must match), its local part ("apiuser-<id>") or the bare 12-hex id; nullopt when it is none of
// these.
std::optional<std::string> parse_api_user_reference(std::string_view reference, std::string_view domain);

// Checks `domain` as a DNS name for generated usernames; throws Error(invalid_input) naming the problem.
void validate_domain(std::string_view domain);

}  // namespace apiuser
