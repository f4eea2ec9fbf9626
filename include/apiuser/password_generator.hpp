#pragma once

#include <apiuser/password_policy.hpp>
#include <apiuser/random.hpp>
#include <apiuser/secret.hpp>

namespace apiuser {

inline constexpr std::size_t generated_password_length = 24;

// Returns a random password of generated_password_length characters (letters, digits and symbols that
// need no quoting in a shell or a config file) that passes the policy in `context`.
Secret generate_password(Random& random, const PasswordContext& context);

}  // namespace apiuser
