// Usage errors through the real binary: what the argument parser refuses, and that every refusal
// says what is wrong and where the help is, in the project's one-line format (or as JSON with
// --json).

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "expect.hpp"
#include "sandbox.hpp"

using apiuser::test::describe;
using apiuser::test::ProcessResult;
using apiuser::test::Sandbox;
using nlohmann::json;

namespace {

// The words of the help command that the hint of `r` names ("see 'apiuser help member set'");
// REQUIREs one.
std::vector<std::string> hinted_help(const ProcessResult& r) {
    static const std::regex hint{"see 'apiuser (help[^']*)'"};
    std::smatch match;
    INFO(describe(r));
    REQUIRE(std::regex_search(r.err, match, hint));
    std::vector<std::string> words;
    std::istringstream in{match[1].str()};
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    return words;
}

}  // namespace

TEST_CASE("the hint of a usage error names the help of the whole command, which exists",
          "[e2e][usage]") {
    Sandbox s;
    s.init();
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"member", "set"}, "help member set"},
        {{"member", "remove"}, "help member remove"},
        {{"member", "add"}, "help member add"},
        {{"member", "list", "--bogus"}, "help member list"},
        {{"account", "set", "--bogus"}, "help account set"},
        {{"account", "show", "extra"}, "help account show"},
        {{"member", "--bogus"}, "help member"},
        {{"list", "--bogus"}, "help list"},
        {{"passwd"}, "help passwd"},
    };
    for (const auto& [args, help] : cases) {
        const auto r = s.run(args);
        INFO(describe(r));
        apiuser::test::check_error_output(r, args, 2);
        CHECK_THAT(r.err, Catch::Contains("see 'apiuser " + help + "'"));
        const auto shown = s.run(hinted_help(r));
        INFO(describe(shown));
        CHECK(shown.exit_code == 0);
        CHECK_THAT(shown.out, Catch::StartsWith("Usage: apiuser " + help.substr(5) + " "));
    }
}

