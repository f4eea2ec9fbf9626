// The password policy through the real binary: how a rejection is reported, and that what is hashed is the
// normalised password.

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "expect.hpp"
#include "sandbox.hpp"

using apiuser::test::check_error_output;
using apiuser::test::describe;
using apiuser::test::lines_of;
using apiuser::test::ProcessResult;
using apiuser::test::Sandbox;
using nlohmann::json;

namespace {

// Breaks four rules at once in an account of "Acme Widgets Ltd": ill-formed UTF-8 (a stray 0xFF), a control
// character, six code points, and the company's distinctive word.
const std::string breaks_four = "Acme\x01\xFF";
const std::vector<std::string> four_codes{"invalid_utf8", "control_character", "too_short", "contains_company"};

// Runs a command that must be refused with exit 4, checking that nothing at all was written.
ProcessResult rejected(const Sandbox& s, const std::vector<std::string>& args, const std::string& input) {
    const auto bytes_before = s.store_bytes();
    const auto dump_before = s.dump();
    auto r = s.run(args, input);
    check_error_output(r, args, 4);
    CHECK(s.dump() == dump_before);
    CHECK(s.store_bytes() == bytes_before);
    return r;
}

}  // namespace

TEST_CASE("a password breaking several rules: exit 4 and every violation on a line of its own", "[e2e][policy]") {
    Sandbox s;
    s.init("Acme Widgets Ltd");
    for (const bool dry_run : {false, true}) {
        std::vector<std::string> args{"create", "--password-stdin", "--description", "Magento"};
        if (dry_run) {
            args.push_back("--dry-run");
        }
        const auto r = rejected(s, args, breaks_four + "\n");
        INFO(describe(r));
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 1 + four_codes.size());
        CHECK(lines[0] == "apiuser: error: password rejected by the policy; nothing was changed");
        for (std::size_t i = 0; i < four_codes.size(); ++i) {
            CHECK(lines[i + 1].starts_with("  - " + four_codes[i] + ": "));
            CHECK(lines[i + 1].size() > four_codes[i].size() + 8);  // followed by what to do
        }
        CHECK(r.err.find("Acme\x01") == std::string::npos);
    }
}

TEST_CASE("with --json, the rejection is one JSON object listing every violation's code and message", "[e2e][policy]") {
    Sandbox s;
    s.init("Acme Widgets Ltd");
    const auto r = rejected(s, {"create", "--password-stdin", "--json"}, breaks_four + "\n");
    INFO(describe(r));
    REQUIRE(lines_of(r.err).size() == 1);
    const auto error = json::parse(r.err);
    CHECK(error["error"] == "password_rejected");
    CHECK(error["exit_code"] == 4);
    REQUIRE(error["violations"].is_array());
    std::vector<std::string> codes;
    for (const auto& violation : error["violations"]) {
        REQUIRE(violation.size() == 2);
        codes.push_back(violation["code"].get<std::string>());
        const auto message = violation["message"].get<std::string>();
        CHECK_FALSE(message.empty());
        CHECK(message.find("Acme\x01") == std::string::npos);
    }
    CHECK(codes == four_codes);
}

TEST_CASE("each rule is reported by its code through the binary", "[e2e][policy]") {
    Sandbox s;
    const auto init = s.run({"init", "--company", "Acme Widgets Ltd", "--owner-email", "ops.team@example.org",
                             "--argon2", apiuser::test::fast_argon2});
    REQUIRE(init.exit_code == 0);
    const std::vector<std::pair<std::string, std::string>> cases{
        {"Zq7!kLm", "too_short"},
        {"Zq7!\tkLm2", "control_character"},
        {"Zqxkvbnmw", "needs_digit_or_symbol"},
        {"OPS.TEAM-77!", "contains_email"},
        {"wid-gets!2024", "contains_company"},
        {"p@ss w0rd!", "contains_password_word"},
        {"trustno1", "common_password"},
        {"87654321?", "repetitive"},
        {std::string(300, 'x') + "!1", "too_long"},
    };
    for (const auto& [password, code] : cases) {
        const auto r = rejected(s, {"create", "--password-stdin", "--json"}, password + "\n");
        INFO(password << "\n" << describe(r));
        const auto violations = json::parse(r.err)["violations"];
        REQUIRE(violations.size() == 1);
        CHECK(violations[0]["code"] == code);
    }
}

TEST_CASE("a 100 MB standard input is rejected as too long without being read", "[e2e][policy]") {
    Sandbox s;
    s.init();
    const auto r = rejected(s, {"create", "--password-stdin", "--json"}, std::string(100 * 1024 * 1024, 'x'));
    const auto violations = json::parse(r.err)["violations"];
    REQUIRE(violations.size() == 1);
    CHECK(violations[0]["code"] == "too_long");
}

TEST_CASE("the NFKC form is what is hashed: composed, decomposed and fullwidth typing verify alike",
          "[e2e][policy][verify]") {
    Sandbox s;
    s.init();
    const auto created = s.run({"create", "--password-stdin", "--quiet"}, "Caf\xC3\xA9-Zq7!\n");  // é
    INFO(describe(created));
    REQUIRE(created.exit_code == 0);
    const auto username = lines_of(created.out).at(0);
    for (const std::string typed : {"Caf\xC3\xA9-Zq7!", "Cafe\xCC\x81-Zq7!",                 // e + ◌́
                                    "\xEF\xBC\xA3\xEF\xBD\x81\xEF\xBD\x86\xC3\xA9-Zq7!"}) {  // Ｃａｆé
        const auto r = s.run({"verify", username, "--password-stdin", "--quiet"}, typed + "\n");
        INFO(describe(r));
        CHECK(r.exit_code == 0);
    }
    // Folding is for comparing only: case still matters to the hash.
    CHECK(s.run({"verify", username, "--password-stdin", "--quiet"}, "CAF\xC3\x89-Zq7!\n").exit_code == 6);
}

TEST_CASE("a generated password passes the policy and verifies as printed", "[e2e][policy][verify]") {
    Sandbox s;
    s.init("Acme Widgets Ltd");
    for (int i = 0; i < 5; ++i) {
        const auto r = s.run({"create", "--generate-password", "--json"});
        INFO(describe(r));
        REQUIRE(r.exit_code == 0);
        const auto created = json::parse(r.out);
        const auto username = created["username"].get<std::string>();
        const auto password = created["password"].get<std::string>();
        const auto dry = s.run({"create", "--dry-run", "--password-stdin"}, password + "\n");
        CHECK(dry.exit_code == 0);
        CHECK(s.run({"verify", username, "--password-stdin", "--quiet"}, password + "\n").exit_code == 0);
    }
}
