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

TEST_CASE("the hint of a usage error names the help of the whole command, which exists", "[e2e][usage]") {
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
        CHECK_THAT(shown.out, Catch::Contains("\nUsage: apiuser " + help.substr(5) + " "));
    }
}

namespace {

// The value-taking options that `apiuser COMMAND... --help` lists ("  --since TIME  Only
// entries..."), flags left out.
std::vector<std::string> options_taking_a_value(const Sandbox& s, std::vector<std::string> command) {
    command.push_back("--help");
    const auto help = s.run(command);
    REQUIRE(help.exit_code == 0);
    // A flag's name is followed by CLI11's notes ("Excludes: --quiet") or its description, never by a
    // type name.
    static const std::regex option_line{"^  (?:-[a-zA-Z],)?(--[a-z][a-z0-9-]*) (?!\\S+: )[^ ]"};
    std::vector<std::string> options;
    std::istringstream lines{help.out};
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_search(line, match, option_line)) {
            options.push_back(match[1].str());
        }
    }
    return options;
}

}  // namespace

TEST_CASE("an empty value is a usage error for every option that takes a value", "[e2e][usage]") {
    Sandbox s;
    s.init();
    s.add_member("alice", false);
    const auto user = s.create("Magento Production");
    // Each command, with the arguments it needs besides the option.
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands{
        {{}, {"list"}},  // the global options, before the command
        {{"init"}, {}},
        {{"create"}, {}},
        {{"list"}, {}},
        {{"describe"}, {user}},
        {{"enable"}, {user}},
        {{"disable"}, {user}},
        {{"revoke"}, {"--yes", user}},
        {{"passwd"}, {user, "--generate-password"}},
        {{"verify"}, {user}},
        {{"member", "add"}, {"bob"}},
        {{"member", "set"}, {"alice", "--manage-account"}},
        {{"member", "remove"}, {"alice"}},
        {{"member", "list"}, {}},
        {{"account", "show"}, {}},
        {{"account", "set"}, {}},
        {{"log"}, {}},
    };
    std::set<std::string> tried;
    for (const auto& [command, needed] : commands) {
        for (const auto& option : options_taking_a_value(s, command)) {
            if (option == "--description") {
                continue;  // "" is a description: none (below)
            }
            tried.insert(option);
            auto args = command;
            args.insert(args.end(), {option, ""});
            args.insert(args.end(), needed.begin(), needed.end());
            const auto before = s.dump();
            const auto r = s.run(args);
            INFO(describe(r));
            apiuser::test::check_error_output(r, args, 2);
            CHECK_THAT(r.err, Catch::Contains(option));
            if (option != "--status") {  // its own list of values answers first: "not in {enabled,...}"
                CHECK_THAT(r.err, Catch::Contains("empty"));
            }
            CHECK(s.dump() == before);
            // The same through --option=.
            args.erase(std::find(args.begin(), args.end(), option), std::find(args.begin(), args.end(), option) + 2);
            args.insert(args.begin() + static_cast<std::ptrdiff_t>(command.size()), option + "=");
            CHECK(s.run(args).exit_code == 2);
        }
    }
    CHECK(tried == std::set<std::string>{"--store", "--as", "--company", "--domain", "--owner-email", "--argon2",
                                         "--password-file", "--status", "--keep-old-for", "--email", "--since",
                                         "--target"});
    // `init --store ""` created no store where the default would be.
    CHECK_FALSE(std::filesystem::exists(s.dir() / ".local"));

    // --description "" is the one empty value with a meaning: no description.
    const auto r = s.run({"describe", user, "--description", "", "--json"});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["description"] == "");
}

TEST_CASE("APIUSER_STORE set but empty is a usage error, not the default store", "[e2e][usage]") {
    Sandbox s;
    apiuser::test::ProcessOptions options;
    options.env = s.environment();
    options.env["APIUSER_STORE"] = "";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"init", "--company", "Acme", "--argon2", "m=8,t=1,p=1"}, {"list"}}) {
        const auto r = s.run_with(args, options);
        INFO(describe(r));
        apiuser::test::check_error_output(r, args, 2);
        CHECK_THAT(r.err, Catch::Contains("APIUSER_STORE"));
    }
    CHECK_FALSE(std::filesystem::exists(s.dir() / ".local"));
    // --store still wins over it.
    const auto r =
        s.run_with({"--store", s.store().string(), "init", "--company", "Acme", "--argon2", "m=8,t=1,p=1"}, options);
    INFO(describe(r));
    CHECK(r.exit_code == 0);
}

TEST_CASE("with --json every usage error is one JSON object on stderr", "[e2e][usage][json]") {
    Sandbox s;
    s.init();
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"list", "--bogus", "--json"}, "help list"},
        {{"list", "--json", "--status", "sleeping"}, "help list"},
        {{"list", "--json", "--status"}, "help list"},                   // a missing value
        {{"list", "--status", "--json"}, "help list"},                   // the value missing before --json
        {{"--json", "frobnicate"}, "--help"},                            // an unknown command
        {{"describe", "--json"}, "help describe"},                       // a missing argument
        {{"create", "--json", "--quiet"}, "help create"},                // options that exclude each other
        {{"--as", "", "member", "list", "--json"}, "help member list"},  // an empty value
        {{"member", "remove", "bob", "--json"}, "help member remove"},   // a command without --json
        {{"help", "frobnicate", "--json"}, ""},
    };
    for (const auto& [args, help] : cases) {
        const auto r = s.run(args);
        INFO(describe(r));
        apiuser::test::check_error_output(r, args, 2);
        const auto error = json::parse(r.err, nullptr, false);
        REQUIRE(error.is_object());
        CHECK(error["error"] == "invalid_input");
        CHECK(error["message"].get<std::string>().find('\n') == std::string::npos);
        if (!help.empty()) {
            CHECK_THAT(error["hint"].get<std::string>(), Catch::EndsWith("see 'apiuser " + help + "'"));
        }
    }
}

TEST_CASE("with --json warnings are in the JSON document, not text", "[e2e][usage][json]") {
    Sandbox s;
    s.init();
    auto r = s.run({"account", "set", "--argon2", "m=8,t=1,p=1", "--json"});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    auto document = json::parse(r.out);
    REQUIRE(document["warnings"].size() == 1);
    CHECK_THAT(document["warnings"][0].get<std::string>(), Catch::Contains("below the recommended"));

    s.create("Magento Production");
    r = s.run({"create", "--description", "Magento Production", "--generate-password", "--json"});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    document = json::parse(r.out);
    REQUIRE(document["warnings"].size() == 1);
    CHECK_THAT(document["warnings"][0].get<std::string>(), Catch::Contains("one API user per integrated system"));
    // Without --json, a warning is a line of text on stderr and the result has no "warnings".
    r = s.run({"create", "--description", "Magento Production", "--generate-password", "--quiet"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::StartsWith("apiuser: warning: "));
    // No warning, no "warnings".
    r = s.run({"create", "--description", "Dynamics CRM", "--generate-password", "--json"});
    CHECK(r.exit_code == 0);
    CHECK_FALSE(json::parse(r.out).contains("warnings"));
}

TEST_CASE("a mistyped command or option gets the nearest one suggested, in the order typed", "[e2e][usage]") {
    Sandbox s;
    s.init();
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases{
        {{"creat", "--generate-password"},
         "apiuser: error: unknown command 'creat' for 'apiuser'; did you mean 'create'? see "
         "'apiuser --help'\n"},
        {{"create", "--generat-password"},
         "apiuser: error: unknown option '--generat-password' for 'apiuser create'; did you mean "
         "'--generate-password'? see 'apiuser help create'\n"},
        {{"list", "--stauts=enabled"},
         "apiuser: error: unknown option '--stauts' for 'apiuser list'; did you mean '--status'? "
         "see 'apiuser help "
         "list'\n"},
        {{"member", "ad", "alice"},
         "apiuser: error: unknown command 'ad' for 'apiuser member'; did you mean 'add'? see "
         "'apiuser help member'\n"},
        {{"list", "--stor", "x.db"},  // a global option, which every command falls through to
         "apiuser: error: unknown option '--stor' for 'apiuser list'; did you mean '--store'? see "
         "'apiuser help "
         "list'\n"},
        {{"lsit"},
         "apiuser: error: unknown command 'lsit' for 'apiuser'; did you mean 'list'? see 'apiuser "
         "--help'\n"},
        {{"frobnicate"}, "apiuser: error: unknown command 'frobnicate' for 'apiuser'; see 'apiuser --help'\n"},
        {{"list", "--bogus"}, "apiuser: error: unknown option '--bogus' for 'apiuser list'; see 'apiuser help list'\n"},
        {{"create", "one", "two"},
         "apiuser: error: unexpected argument 'one' for 'apiuser create'; see 'apiuser help "
         "create'\n"},
        {{"help", "memebr"},
         "apiuser: error: no command 'memebr'; did you mean 'member'? see the commands with "
         "'apiuser --help'\n"},
    };
    for (const auto& c : cases) {
        const auto r = s.run(c.args);
        INFO(describe(r));
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == c.message);
    }
    // The hidden entry point of the completions is never suggested.
    const auto r = s.run({"__complet"});
    CHECK_THAT(r.err, !Catch::Contains("__complete"));
}
