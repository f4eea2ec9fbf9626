#include <set>

#include <catch2/catch.hpp>

#include <apiuser/errors.hpp>
#include <apiuser/username.hpp>

#include "fixed_random.hpp"

using namespace apiuser;

TEST_CASE("generated ids are 12 lowercase hex digits and reproducible from the seed", "[username]") {
    test::FixedRandom a{7}, b{7};
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto id = generate_api_user_id(a);
        REQUIRE(id.size() == 12);
        REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
        REQUIRE(id == generate_api_user_id(b));
        seen.insert(id);
    }
    CHECK(seen.size() == 1000);
}

TEST_CASE("usernames are apiuser-ID@DOMAIN", "[username]") {
    CHECK(make_username("3f9a1c2b7d4e", "apiconnector.com") == "apiuser-3f9a1c2b7d4e@apiconnector.com");
}

TEST_CASE("a reference may be the username in any case, its local part or the bare id", "[username]") {
    const std::string domain = "apiconnector.com";
    for (const char* reference : {"apiuser-3f9a1c2b7d4e@apiconnector.com", "APIUSER-3F9A1C2B7D4E@APICONNECTOR.COM",
                                  "apiuser-3f9a1c2b7d4e", "3f9a1c2b7d4e", "3F9A1C2B7D4E"}) {
        INFO(reference);
        CHECK(parse_api_user_reference(reference, domain) == "3f9a1c2b7d4e");
    }
}

TEST_CASE("anything else is not a reference", "[username]") {
    const std::string domain = "apiconnector.com";
    for (const char* reference :
         {"", "3f9a1c2b7d4", "3f9a1c2b7d4e0", "3f9a1c2b7d4g", "apiuser-3f9a1c2b7d4e@example.com",
          "3f9a1c2b7d4e@apiconnector.com", "other-3f9a1c2b7d4e@apiconnector.com", "apiuser-@apiconnector.com", "-rf",
          "'; DROP TABLE api_users; --", "../../etc/passwd", "apiuser-3f9a1c2b7d4e@apiconnector.com\n",
          "apiuser-3f9a1c2b7d4e@@apiconnector.com"}) {
        INFO(reference);
        CHECK_FALSE(parse_api_user_reference(reference, domain));
    }
}

TEST_CASE("domains must be DNS names", "[username]") {
    for (const char* good : {"apiconnector.com", "api.example.co.uk", "x-1.io"}) {
        INFO(good);
        CHECK_NOTHROW(validate_domain(good));
    }
    for (const char* bad : {"", "localhost", "-bad.com", "bad-.com", "a..b", ".com", "com.", "Upper.com",
                            "under_score.com", "sp ace.com", "ex\xc3\xa4mple.com"}) {
        INFO(bad);
        CHECK_THROWS_AS(validate_domain(bad), Error);
    }
}
