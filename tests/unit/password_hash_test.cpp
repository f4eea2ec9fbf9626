#include <catch2/catch.hpp>

#include <apiuser/errors.hpp>
#include <apiuser/password_hash.hpp>

#include "fixed_random.hpp"

using namespace apiuser;

// Produced by the reference implementation (Debian's `argon2` command):
//   echo -n "correct horse battery" | argon2 0123456789abcdef -id -t 2 -m 5 -p 1 -l 32 -e
constexpr const char* reference_hash =
    "$argon2id$v=19$m=32,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8";
//   echo -n "pässwörd-ünïcode" | argon2 fedcba9876543210 -id -t 1 -k 64 -p 2 -l 32 -e
constexpr const char* reference_unicode_hash =
    "$argon2id$v=19$m=64,t=1,p=2$ZmVkY2JhOTg3NjU0MzIxMA$ZKNtfks3qhYC1bgI3lqUihQAYl8DVag23BpLsCuNDdk";

TEST_CASE("hashes made by the reference Argon2 implementation verify", "[password_hash]") {
    CHECK(check_password_hash(Secret{"correct horse battery"}, reference_hash) == HashMatch::match);
    CHECK(check_password_hash(Secret{"correct horse batterY"}, reference_hash) == HashMatch::mismatch);
    CHECK(check_password_hash(Secret{"p\xc3\xa4ssw\xc3\xb6rd-\xc3\xbcn\xc3\xaf"
                                     "code"},
                              reference_unicode_hash) == HashMatch::match);
}

TEST_CASE("our hashes are Argon2id PHC strings with a 16-byte salt and the requested cost", "[password_hash]") {
    test::FixedRandom random{3};
    const Argon2Params params{64, 2, 1};
    const auto phc = hash_password(Secret{"S3cure!enough"}, params, random);
    CHECK(phc.rfind("$argon2id$v=19$m=64,t=2,p=1$", 0) == 0);
    const auto parsed = parse_phc_hash(phc);
    REQUIRE(parsed);
    CHECK(parsed->params == params);
    CHECK(parsed->salt_bytes == 16);
    CHECK(parsed->hash_bytes == 32);
    CHECK(check_password_hash(Secret{"S3cure!enough"}, phc) == HashMatch::match);
    CHECK(check_password_hash(Secret{"S3cure!enougH"}, phc) == HashMatch::mismatch);
}

TEST_CASE("the same seed gives the same hash, a different salt a different one", "[password_hash]") {
    test::FixedRandom a{9}, b{9}, c{10};
    const Argon2Params params{32, 1, 1};
    const Secret password{"S3cure!enough"};
    CHECK(hash_password(password, params, a) == hash_password(password, params, b));
    CHECK(hash_password(password, params, a) != hash_password(password, params, c));
}

TEST_CASE("damaged or out-of-bounds hash strings are refused without running Argon2", "[password_hash]") {
    const std::string salt = "MDEyMzQ1Njc4OWFiY2RlZg";
    const std::string hash = "J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8";
    for (const std::string& phc : std::vector<std::string>{
             std::string{""},
             std::string{"not a hash"},
             "$argon2i$v=19$m=32,t=2,p=1$" + salt + "$" + hash,
             "$argon2id$v=16$m=32,t=2,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$m=4294967295,t=2,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$m=99999999999,t=2,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$m=32,t=4294967295,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$m=32,t=2,p=255$" + salt + "$" + hash,
             "$argon2id$v=19$m=32,t=0,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$m=4,t=2,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$m=032,t=2,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$m=-32,t=2,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$t=2,m=32,p=1$" + salt + "$" + hash,
             "$argon2id$v=19$m=32,t=2,p=1$" + salt,
             "$argon2id$v=19$m=32,t=2,p=1$" + salt + "$",
             "$argon2id$v=19$m=32,t=2,p=1$$" + hash,
             "$argon2id$v=19$m=32,t=2,p=1$" + salt + "$" + hash + "$extra",
             "$argon2id$v=19$m=32,t=2,p=1$" + salt + "$" + hash + "==",
             "$argon2id$v=19$m=32,t=2,p=1$" + salt + "$" + hash.substr(0, 10),
             "$argon2id$v=19$m=32,t=2,p=1$QUJD$" + hash,
             "$argon2id$v=19$m=32,t=2,p=1$" + salt + "$" + hash + std::string(200, 'A'),
         }) {
        INFO(phc);
        CHECK_FALSE(parse_phc_hash(phc));
        CHECK(check_password_hash(Secret{"correct horse battery"}, phc) == HashMatch::damaged);
    }
}

TEST_CASE("Argon2 parameters parse in any order and within bounds", "[password_hash]") {
    CHECK(parse_argon2_params("m=19456,t=2,p=1") == Argon2Params{19456, 2, 1});
    CHECK(parse_argon2_params("p=2,t=3,m=65536") == Argon2Params{65536, 3, 2});
    CHECK(to_string(Argon2Params{19456, 2, 1}) == "m=19456,t=2,p=1");
    for (const char* bad : {"", "m=19456", "m=19456,t=2", "m=19456,t=2,p=1,", "m=19456,t=2,p=1,m=1", "x=1,t=2,p=1",
                            "m=,t=2,p=1", "m=abc,t=2,p=1", "m=4294967296,t=2,p=1", "m=4,t=1,p=1", "m=8,t=0,p=1",
                            "m=8,t=1,p=0", "m=2000000,t=1,p=1", "m=19456;t=2;p=1", "m = 19456,t=2,p=1"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_argon2_params(bad), Error);
    }
}

TEST_CASE("weaker parameters are those with less memory or fewer passes", "[password_hash]") {
    const Argon2Params reference{19456, 2, 1};
    CHECK(weaker_than({8, 1, 1}, reference));
    CHECK(weaker_than({19456, 1, 1}, reference));
    CHECK(weaker_than({19455, 9, 1}, reference));
    CHECK_FALSE(weaker_than(reference, reference));
    CHECK_FALSE(weaker_than({65536, 3, 4}, reference));
}
