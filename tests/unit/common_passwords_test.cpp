// The compiled-in blocklist of common passwords.

#include "policy/common_passwords.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <apiuser/password_policy.hpp>

using namespace apiuser;

namespace {

const PasswordContext acme{"apiuser-3f9a1c2b7d4e@apiconnector.com", "Acme Widgets Ltd", "alice.smith@example.org"};

bool refused_as_common(std::string_view password) {
    const auto violations = check_password(password, acme);
    return std::any_of(violations.begin(), violations.end(),
                       [](const PasswordViolation& v) { return v.rule == PasswordRule::common_password; });
}

std::string upper_ascii(std::string_view text) {
    std::string out{text};
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

}  // namespace

TEST_CASE("the blocklist has zxcvbn's 30,000 entries, sorted and distinct, for binary search", "[blocklist]") {
    const auto entries = common_passwords();
    CHECK(entries.size() == 30000);
    CHECK(std::is_sorted(entries.begin(), entries.end()));
    CHECK(std::adjacent_find(entries.begin(), entries.end()) == entries.end());
    CHECK(is_common_password("password"));
    CHECK(is_common_password("123456"));
    CHECK(is_common_password(entries.front()));
    CHECK(is_common_password(entries.back()));
    CHECK_FALSE(is_common_password("password?"));
    CHECK_FALSE(is_common_password("Password"));  // the policy folds before it looks
    CHECK_FALSE(is_common_password(""));
}

TEST_CASE("every entry of the blocklist is refused as common, as listed and in capitals", "[blocklist][policy]") {
    std::vector<std::string_view> accepted;
    for (const auto entry : common_passwords()) {
        if (!refused_as_common(entry) || !refused_as_common(upper_ascii(entry))) {
            accepted.push_back(entry);
        }
    }
    INFO("first accepted: " << (accepted.empty() ? std::string_view{"(none)"} : accepted.front()));
    CHECK(accepted.empty());
}
