// Generated passwords against the policy they must pass.

#include <set>
#include <string>

#include <catch2/catch.hpp>

#include <apiuser/password_generator.hpp>
#include <apiuser/password_policy.hpp>

#include "fixed_random.hpp"

using namespace apiuser;

namespace {

const PasswordContext acme{"apiuser-3f9a1c2b7d4e@apiconnector.com", "Acme Widgets Ltd", "alice.smith@example.org"};
constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.,:+=%@";

}  // namespace

TEST_CASE("10,000 generated passwords all pass the policy and hash as printed", "[generator][policy]") {
    test::FixedRandom random{2024};
    std::set<std::string> seen;
    std::size_t failures = 0;
    for (int i = 0; i < 10000; ++i) {
        const Secret password = generate_password(random, acme);
        const std::string_view text = password.view();
        const bool ok = text.size() == generated_password_length &&
                        text.find_first_not_of(alphabet) == std::string_view::npos &&
                        check_password(text, acme).empty() &&
                        normalize_password(text).view() == text;  // what is printed is what is hashed
        failures += ok ? 0 : 1;
        seen.emplace(text);
    }
    CHECK(failures == 0);
    CHECK(seen.size() == 10000);
}

TEST_CASE("a generated candidate that breaks the policy is thrown away and drawn again", "[generator][policy]") {
    // The first 24 bytes pick alphabet[26] = 'a' each time: "aaaa...", repetitive and without a digit or
    // symbol. The generator must not return it.
    struct RepetitiveFirst final : Random {
        test::FixedRandom random{7};
        std::size_t given = 0;
        void fill(std::span<std::uint8_t> out) override {
            for (auto& byte : out) {
                if (given++ < generated_password_length) {
                    byte = 26;
                } else {
                    random.fill({&byte, 1});
                }
            }
        }
    } source;
    REQUIRE(alphabet[26] == 'a');
    REQUIRE_FALSE(check_password(std::string(generated_password_length, 'a'), acme).empty());
    const Secret password = generate_password(source, acme);
    CHECK(password.view() != std::string(generated_password_length, 'a'));
    CHECK(check_password(password.view(), acme).empty());
    CHECK(source.given > 2 * generated_password_length - 1);  // a second candidate was drawn
}
