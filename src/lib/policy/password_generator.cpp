#include <apiuser/password_generator.hpp>

namespace apiuser {

namespace {

// Letters, digits and symbols that need no quoting in a shell, a config file or most web forms; 71
// symbols give about 6.15 bits each, 147 bits for 24 characters.
constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.,:+=%@";

// Returns a uniformly distributed index below `bound`, by rejection so there is no modulo bias.
std::size_t uniform_index(Random& random, std::size_t bound) {
    const unsigned limit = 256u - 256u % static_cast<unsigned>(bound);
    while (true) {
        std::uint8_t byte = 0;
        random.fill({&byte, 1});
        if (byte < limit) {
            return byte % bound;
        }
    }
}

}  // namespace

Secret generate_password(Random& random, const PasswordContext& context) {
    while (true) {
        Secret password;
        password.reserve(generated_password_length);
        for (std::size_t i = 0; i < generated_password_length; ++i) {
            password.push_back(alphabet[uniform_index(random, alphabet.size())]);
        }
        if (check_password(password.view(), context).empty()) {
            return password;
        }
    }
}

}  // namespace apiuser
