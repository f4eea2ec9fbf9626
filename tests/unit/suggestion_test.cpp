// What a person probably meant by a mistyped name.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <apiuser/suggestion.hpp>

using apiuser::edit_distance;
using apiuser::nearest_name;

TEST_CASE("edit distance counts insertions, deletions and substitutions", "[suggestion]") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("create", "create") == 0);
    CHECK(edit_distance("creat", "create") == 1);
    CHECK(edit_distance("crate", "create") == 1);
    CHECK(edit_distance("cretae", "create") == 2);
    CHECK(edit_distance("", "log") == 3);
    CHECK(edit_distance("list", "") == 4);
}

TEST_CASE("the nearest name: the only one starting with the word, else the nearest within two edits", "[suggestion]") {
    const std::vector<std::string> commands{"create", "list", "describe", "enable", "disable", "revoke", "log"};
    CHECK(nearest_name("creat", commands) == "create");
    CHECK(nearest_name("c", commands) == "create");
    CHECK(nearest_name("lst", commands) == "list");
    CHECK(nearest_name("enabel", commands) == "enable");
    CHECK(nearest_name("dis", commands) == "disable");
    CHECK(nearest_name("revoked", commands) == "revoke");
    // "d" starts two names and is within two edits of none.
    CHECK_FALSE(nearest_name("d", commands));
    CHECK_FALSE(nearest_name("frobnicate", commands));
    CHECK_FALSE(nearest_name("", commands));
    CHECK_FALSE(nearest_name(std::string(100'000, 'x'), commands));
    // A tie goes to the first name listed.
    CHECK(nearest_name("lo", std::vector<std::string>{"log", "loa"}) == "log");
    const std::vector<std::string> options{"--generate-password", "--password-file", "--password-stdin", "--json"};
    CHECK(nearest_name("--generat-password", options) == "--generate-password");
    CHECK(nearest_name("-json", options) == "--json");
    CHECK(nearest_name("--password", options) == std::nullopt);  // starts two, and is far from both
}
