// Hostile input: a table of bad command lines, inputs and environments, each of which must end with its
// documented exit code and one harmless error line naming the problem, leaving every table of the store as
// it was. Then rows planted in the database by another program, which must print harmlessly, and inputs too
// large for a command line, given to run() in process.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "expect.hpp"
#include "pty.hpp"
#include "reliability.hpp"
#include "run.hpp"
#include "sandbox.hpp"

using apiuser::reliability::nobody_uid;
using apiuser::reliability::read_file;
using apiuser::reliability::report;
using apiuser::reliability::running_as_root;
using apiuser::reliability::snapshot;
using apiuser::test::check_error_output;
using apiuser::test::describe;
using apiuser::test::ProcessOptions;
using apiuser::test::ProcessResult;
using apiuser::test::Sandbox;
using nlohmann::json;

namespace {

// How a command may leave the store: untouched, or with exactly one audit row (verify records every failed
// attempt, by design).
enum class Leaves { store_unchanged, one_audit_row };

struct BadInput {
    std::string what;
    std::vector<std::string> args;
    int exit_code;
    std::string message;  // the error must contain this
    std::optional<std::string> input = std::nullopt;
    std::map<std::string, std::optional<std::string>> env = {};  // changes to the sandbox's environment
    bool as_nobody = false;
    Leaves leaves = Leaves::store_unchanged;
};

// True when `text` could do something to a terminal: control characters other than a newline, C1
// controls, or bidirectional overrides and isolates.
std::string terminal_hazard(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            return fmt::format("control byte 0x{:02x} at {}", c, i);
        }
        if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            return fmt::format("C1 control at {}", i);
        }
        if (text.compare(i, 2, "\xe2\x80") == 0 && i + 2 < text.size() &&
            static_cast<unsigned char>(text[i + 2]) >= 0xaa && static_cast<unsigned char>(text[i + 2]) <= 0xae) {
            return fmt::format("bidirectional override at {}", i);
        }
        if (text.compare(i, 2, "\xe2\x81") == 0 && i + 2 < text.size() &&
            static_cast<unsigned char>(text[i + 2]) >= 0xa6 && static_cast<unsigned char>(text[i + 2]) <= 0xa9) {
            return fmt::format("bidirectional isolate at {}", i);
        }
    }
    return "";
}

std::vector<BadInput> bad_inputs(const std::string& enabled, const std::string& disabled, const std::string& revoked,
                                 const std::string& password_file) {
    const std::string huge_argument(128 * 1024 - 1, 'x');  // the longest argument Linux passes (MAX_ARG_STRLEN)
    const std::string huge_but_room = huge_argument.substr(0, huge_argument.size() - 64);
    const std::string id = enabled.substr(8, 12);
    std::vector<std::string> many_users;
    for (int i = 0; i < 5000; ++i) {
        many_users.push_back(fmt::format("{:012x}", 0xa00000000000ull + static_cast<unsigned>(i)));
    }
    std::vector<std::string> disable_many{"disable", enabled};
    disable_many.insert(disable_many.end(), many_users.begin(), many_users.end());

    std::vector<BadInput> cases{
        // Unknown and repeated options, unknown commands.
        {"unknown command", {"frobnicate"}, 2, "frobnicate"},
        {"unknown option", {"list", "--bogus"}, 2, "--bogus"},
        {"unknown global option", {"--frobnicate", "list"}, 2, "--frobnicate"},
        {"choosing the username",
         {"create", "--username", "apiuser-000000000000@apiconnector.com", "--generate-password"},
         2,
         "--username"},
        {"unknown member subcommand", {"member", "frob"}, 2, "frob"},
        {"unknown account subcommand", {"account", "frob"}, 2, "frob"},
        {"unknown status", {"list", "--status", "sleeping"}, 2, "sleeping"},
        {"status in capitals", {"list", "--status", "ENABLED"}, 2, "ENABLED"},
        {"repeated --description",
         {"create", "--description", "a", "--description", "b", "--generate-password"},
         2,
         "--description"},
        {"repeated --store", {"--store", "a.db", "--store", "b.db", "list"}, 2, "--store"},
        {"repeated --status", {"list", "--status", "enabled", "--status", "disabled"}, 2, "--status"},
        {"repeated --keep-old-for",
         {"passwd", enabled, "--keep-old-for", "1h", "--keep-old-for", "2h", "--generate-password"},
         2,
         "--keep-old-for"},
        {"repeated --company", {"account", "set", "--company", "A", "--company", "B"}, 2, "--company"},
        {"repeated --since", {"log", "--since", "2026-01-01", "--since", "2026-01-02"}, 2, "--since"},
        {"--all with --status", {"list", "--all", "--status", "enabled"}, 2, "--status"},
        {"a second username for describe", {"describe", enabled, disabled}, 2, disabled},
        {"an argument to list", {"list", "everything"}, 2, "everything"},
        {"help for no such command", {"help", "frobnicate"}, 2, "no command 'frobnicate'"},

        // Conflicting password sources; a password on the command line.
        {"stdin and generate",
         {"create", "--password-stdin", "--generate-password"},
         2,
         "--generate-password",
         "Str0ng-enough!\n"},
        {"stdin and file",
         {"create", "--password-stdin", "--password-file", password_file},
         2,
         "--password-file",
         "Str0ng-enough!\n"},
        {"generate and file",
         {"create", "--generate-password", "--password-file", password_file},
         2,
         "--password-file"},
        {"passwd: stdin and generate",
         {"passwd", enabled, "--password-stdin", "--generate-password"},
         2,
         "--generate-password",
         "Str0ng-enough!\n"},
        {"passwd: file and stdin",
         {"passwd", enabled, "--password-file", password_file, "--password-stdin"},
         2,
         "--password-stdin",
         "Str0ng-enough!\n"},
        {"verify: stdin and file",
         {"verify", enabled, "--password-stdin", "--password-file", password_file},
         2,
         "--password-file",
         "Str0ng-enough!\n"},
        {"verify cannot generate", {"verify", enabled, "--generate-password"}, 2, "--generate-password"},
        {"password as an option", {"create", "--password", "Str0ng-enough!"}, 2, "--password"},
        {"password as --password=", {"create", "--password=Str0ng-enough!"}, 2, "--password"},

        // Missing arguments and values.
        {"describe without a username", {"describe"}, 2, "USERNAME"},
        {"enable without a username", {"enable"}, 2, "USERNAME"},
        {"disable without a username", {"disable"}, 2, "USERNAME"},
        {"revoke without a username", {"revoke", "--yes"}, 2, "USERNAME"},
        {"passwd without a username", {"passwd", "--generate-password"}, 2, "USERNAME"},
        {"verify without a username", {"verify", "--password-stdin"}, 2, "USERNAME", "Str0ng-enough!\n"},
        {"member add without a login", {"member", "add"}, 2, "LOGIN"},
        {"member set without a login", {"member", "set", "--manage-account"}, 2, "LOGIN"},
        {"member remove without a login", {"member", "remove"}, 2, "LOGIN"},
        {"member set without a permission", {"member", "set", "root"}, 2, "--manage-account"},
        {"--description without its value", {"create", "--description"}, 2, "--description"},
        {"--store without its value", {"list", "--store"}, 2, "--store"},
        {"--since without its value", {"log", "--since"}, 2, "--since"},
        {"--target without its value", {"log", "--target"}, 2, "--target"},
        {"--argon2 without its value", {"account", "set", "--argon2"}, 2, "--argon2"},
        {"--keep-old-for without its value",
         {"passwd", enabled, "--generate-password", "--keep-old-for"},
         2,
         "--keep-old-for"},
        {"--password-file without its value", {"create", "--password-file"}, 2, "--password-file"},
        {"init without --company", {"init"}, 2, "--company"},
        {"revoke without --yes and without a terminal", {"revoke", enabled}, 2, "--yes"},
        {"no password source and no terminal", {"create"}, 2, "no terminal"},

        // "-rf" and friends where a name goes.
        {"-rf as a username", {"describe", "-rf"}, 2, "USERNAME is required"},
        {"-rf after --", {"disable", "--", "-rf"}, 3, "no API user '-rf'"},
        {"-rf to revoke", {"revoke", "--yes", "--", "-rf"}, 3, "no API user '-rf'"},
        {"-rf as a member", {"member", "add", "--", "-rf"}, 2, "cannot start with '-'"},
        {"-rf as --as", {"--as", "-rf", "list"}, 2, "cannot start with '-'"},

        // SQL, paths and shell metacharacters as names.
        {"SQL as a username", {"describe", "'; DROP TABLE api_users;--"}, 3, "no API user"},
        {"SQL tautology", {"disable", "x' OR '1'='1"}, 3, "no API user"},
        {"SQL after a real id", {"enable", id + "' --"}, 3, "no API user"},
        {"SQL in a username with the domain",
         {"revoke", "--yes", "apiuser-" + id + "'--@apiconnector.com"},
         3,
         "no API user"},
        {"path traversal as a username", {"describe", "../../../etc/passwd"}, 3, "no API user"},
        {"absolute path as a username", {"passwd", "/etc/shadow", "--generate-password"}, 3, "no API user"},
        {"command substitution as a username", {"disable", "$(reboot)"}, 3, "no API user"},
        {"backticks as a username", {"describe", "`id`"}, 3, "no API user"},
        {"a username for another domain", {"describe", "apiuser-" + id + "@evil.example"}, 3, "no API user"},
        {"a 13-hex id", {"describe", id + "0"}, 3, "no API user"},
        {"SQL as a member", {"member", "add", "Robert'); DROP TABLE members;--"}, 2, "invalid login name"},
        {"semicolon in a member", {"member", "add", "a;b"}, 2, "invalid login name"},
        {"pipe in a member", {"member", "add", "a|b"}, 2, "invalid login name"},
        {"ampersands in a member", {"member", "add", "a&&b"}, 2, "invalid login name"},
        {"space in a member", {"member", "add", "a b"}, 2, "invalid login name"},
        {"substitution in a member", {"member", "add", "$(id)"}, 2, "invalid login name"},
        {"path in a member", {"member", "add", "../x"}, 2, "invalid login name"},
        {"shell in --as", {"--as", "root; rm -rf /", "list"}, 2, "invalid login name"},
        {"SQL as a member to remove", {"member", "remove", "x' OR 1=1 --"}, 3, "not a member"},

        // Malformed values.
        {"--keep-old-for beyond 30 days",
         {"passwd", enabled, "--generate-password", "--keep-old-for", "31d"},
         2,
         "30 days"},
        {"--keep-old-for zero",
         {"passwd", enabled, "--generate-password", "--keep-old-for", "0s"},
         2,
         "--keep-old-for"},
        {"--keep-old-for negative",
         {"passwd", enabled, "--generate-password", "--keep-old-for", "-1h"},
         2,
         "--keep-old-for"},
        {"--keep-old-for in years",
         {"passwd", enabled, "--generate-password", "--keep-old-for", "1y"},
         2,
         "--keep-old-for"},
        {"--keep-old-for overflowing",
         {"passwd", enabled, "--generate-password", "--keep-old-for", "99999999999999999999d"},
         2,
         "--keep-old-for"},
        {"--argon2 overflowing", {"account", "set", "--argon2", "m=4294967296,t=1,p=1"}, 2, "Argon2"},
        {"--argon2 incomplete", {"account", "set", "--argon2", "m=8,t=1"}, 2, "Argon2"},
        {"--argon2 repeated key", {"account", "set", "--argon2", "m=8,t=1,p=1,m=8"}, 2, "given twice"},
        {"--argon2 too much memory", {"account", "set", "--argon2", "m=1048577,t=1,p=1"}, 2, "memory"},
        {"--argon2 too many passes", {"account", "set", "--argon2", "m=8,t=101,p=1"}, 2, "iterations"},
        {"--argon2 too little memory per lane", {"account", "set", "--argon2", "m=8,t=1,p=2"}, 2, "memory"},
        {"--argon2 zero lanes", {"init", "--company", "X", "--argon2", "m=8,t=1,p=0"}, 2, "Argon2"},
        {"--since not a date", {"log", "--since", "yesterday"}, 2, "yesterday"},
        {"--since impossible date", {"log", "--since", "2026-13-45"}, 2, "2026-13-45"},
        {"--since far future", {"log", "--since", "99999-01-01"}, 2, "99999-01-01"},
        {"--email without @", {"member", "add", "alice", "--email", "no-at-sign"}, 2, "invalid email"},
        {"--owner-email with a space",
         {"init", "--company", "X", "--owner-email", "a b@c.example"},
         2,
         "invalid email"},
        {"--domain with a leading hyphen", {"init", "--company", "X", "--domain", "-bad.example"}, 2, "invalid domain"},
        {"empty company", {"account", "set", "--company", "   "}, 2, "company name is empty"},
        {"256-character description",
         {"create", "--description", std::string(256, 'x'), "--generate-password"},
         2,
         "too long"},
        {"bidi override in a description",
         {"create", "--description", "abc \xe2\x80\xae cba", "--generate-password"},
         2,
         "bidirectional"},

        // Invalid UTF-8 and control characters in every text argument.
        {"invalid UTF-8 description",
         {"create", "--description", "bad \xff\xfe", "--generate-password"},
         2,
         "not valid UTF-8"},
        {"escape in a description",
         {"create", "--description", "esc \x1b[2J", "--generate-password"},
         2,
         "control character"},
        {"invalid UTF-8 new description", {"describe", enabled, "--description", "\xc0\xaf"}, 2, "not valid UTF-8"},
        {"bell in a new description", {"describe", enabled, "--description", "ding\x07"}, 2, "control character"},
        {"invalid UTF-8 company", {"account", "set", "--company", "Acme \xed\xa0\x80"}, 2, "not valid UTF-8"},
        {"escape in a company", {"account", "set", "--company", "Acme\x1b]0;pwned\x07"}, 2, "control character"},
        {"invalid UTF-8 company at init", {"init", "--company", "\xff"}, 2, "not valid UTF-8"},
        {"escape in a company at init", {"init", "--company", "\x1b[31mRed"}, 2, "control character"},
        {"invalid UTF-8 owner email",
         {"init", "--company", "X", "--owner-email", "a\xff@b.example"},
         2,
         "invalid email"},
        {"escape in the owner email",
         {"init", "--company", "X", "--owner-email", "a\x1b@b.example"},
         2,
         "invalid email"},
        {"invalid UTF-8 domain", {"init", "--company", "X", "--domain", "\xff.example"}, 2, "invalid domain"},
        {"escape in the domain", {"init", "--company", "X", "--domain", "a\x1b.example"}, 2, "invalid domain"},
        {"invalid UTF-8 member email", {"member", "add", "alice", "--email", "\xff@x.example"}, 2, "invalid email"},
        {"escape in a member email", {"member", "add", "alice", "--email", "a\x1b[2J@x.example"}, 2, "invalid email"},
        {"invalid UTF-8 login", {"member", "add", "al\xffice"}, 2, "invalid login name"},
        {"escape in a login", {"member", "add", "al\x1bice"}, 2, "invalid login name"},
        {"invalid UTF-8 login to set", {"member", "set", "\xff", "--manage-account"}, 3, "not a member"},
        {"escape in a login to remove", {"member", "remove", "\x1b[2J"}, 3, "not a member"},
        {"invalid UTF-8 username", {"describe", "\xff\xfe"}, 3, "no API user"},
        {"escape in a username", {"describe", "\x1b]0;pwned\x07"}, 3, "no API user"},
        {"C1 control in a username",
         {"disable",
          "\xc2\x9b"
          "31m"},
         3,
         "no API user"},
        {"bidi override in a username", {"enable", "\xe2\x80\xae" + id}, 3, "no API user"},
        {"invalid UTF-8 username to passwd", {"passwd", "\xff", "--generate-password"}, 3, "no API user"},
        {"escape in a username to revoke", {"revoke", "--yes", "\x1b[2J"}, 3, "no API user"},
        {"invalid UTF-8 --since", {"log", "--since", "\xff"}, 2, "--since"},
        {"escape in --since", {"log", "--since", "2026-01-01\x1b[2J"}, 2, "--since"},
        {"invalid UTF-8 store path", {"--store", "/nonexistent/\xff.db", "list"}, 1, "no store at"},
        {"escape in the store path", {"--store", "/nonexistent/\x1b[2J.db", "list"}, 1, "no store at"},
        {"invalid UTF-8 --as", {"--as", "\xff", "list"}, 2, "invalid login name"},
        {"escape in --as", {"--as", "ro\x1bot", "list"}, 2, "invalid login name"},
        {"invalid UTF-8 --argon2", {"account", "set", "--argon2", "m=\xff"}, 2, "Argon2"},
        {"escape in --keep-old-for",
         {"passwd", enabled, "--generate-password", "--keep-old-for", "1\x1bh"},
         2,
         "--keep-old-for"},
        {"invalid UTF-8 --status", {"list", "--status", "\xff"}, 2, "--status"},
        {"invalid UTF-8 help topic", {"help", "\xff"}, 2, "no command"},
        {"invalid UTF-8 busy timeout",
         {"list"},
         2,
         "APIUSER_BUSY_TIMEOUT_MS",
         std::nullopt,
         {{"APIUSER_BUSY_TIMEOUT_MS", "\xff"}}},
        {"escape in the busy timeout",
         {"list"},
         2,
         "APIUSER_BUSY_TIMEOUT_MS",
         std::nullopt,
         {{"APIUSER_BUSY_TIMEOUT_MS", "\x1b[2J"}}},
        {"invalid UTF-8 password file path",
         {"create", "--password-file", "/nonexistent/\xff"},
         2,
         "cannot open password file"},

        // The largest arguments a command line can carry.
        {"128 KiB description", {"create", "--description", huge_argument, "--generate-password"}, 2, "too long"},
        {"128 KiB new description", {"describe", enabled, "--description", huge_argument}, 2, "too long"},
        {"128 KiB company", {"account", "set", "--company", huge_argument}, 2, "too long"},
        {"128 KiB username", {"describe", huge_argument}, 3, "no API user"},
        {"128 KiB login", {"member", "add", huge_argument}, 2, "invalid login name"},
        {"128 KiB email", {"member", "add", "alice", "--email", huge_but_room + "@x.example"}, 2, "invalid email"},
        {"128 KiB store path", {"--store", "/" + huge_but_room, "list"}, 1, "File name too long"},
        {"5,000 unknown users among one real one", disable_many, 3, "no API user"},

        // Passwords: sizes, emptiness and bytes that are no text.
        {"100 MB password on stdin",
         {"create", "--password-stdin"},
         4,
         "too_long",
         std::string(100'000'000, 'a') + "1!"},
        {"100 MB password to passwd",
         {"passwd", enabled, "--password-stdin"},
         4,
         "too_long",
         std::string(100'000'000, 'b') + "2!"},
        {"empty stdin", {"create", "--password-stdin"}, 2, "empty", ""},
        {"empty stdin to passwd", {"passwd", enabled, "--password-stdin"}, 2, "empty", ""},
        {"empty stdin to verify", {"verify", enabled, "--password-stdin"}, 2, "empty", ""},
        {"only a newline", {"create", "--password-stdin"}, 4, "too_short", "\n"},
        {"invalid UTF-8 password", {"create", "--password-stdin"}, 4, "invalid_utf8", "Str0ng-\xff\xfe-enough\n"},
        {"endless zeros as a password file", {"create", "--password-file", "/dev/zero"}, 4, "too_long"},
        {"a directory as the password file", {"create", "--password-file", "/"}, 2, "is a directory"},
        {"a missing password file",
         {"create", "--password-file", "/nonexistent/secret"},
         2,
         "cannot open password file"},

        // Who may do what.
        {"--as from a user who is not root",
         {"--as", "root", "create", "--generate-password"},
         7,
         "only root",
         std::nullopt,
         {},
         true},
        {"--as from a user who is not root, reading", {"--as", "root", "list"}, 7, "only root", std::nullopt, {}, true},
        {"a non-member lists", {"--as", "stranger", "list"}, 7, "not a member"},
        {"a non-member reads the log", {"--as", "stranger", "log"}, 7, "not a member"},
        {"a non-member creates", {"--as", "stranger", "create", "--generate-password"}, 7, "not a member"},
        {"a plain member creates", {"--as", "plain", "create", "--generate-password"}, 7, "permission denied"},
        {"a plain member disables", {"--as", "plain", "disable", enabled}, 7, "permission denied"},
        {"a plain member revokes", {"--as", "plain", "revoke", "--yes", enabled}, 7, "permission denied"},
        {"a plain member changes a password",
         {"--as", "plain", "passwd", enabled, "--password-stdin"},
         7,
         "permission denied",
         "Str0ng-enough!\n"},
        {"a plain member adds a member",
         {"--as", "plain", "member", "add", "mallory", "--manage-account"},
         7,
         "permission denied"},
        {"a plain member promotes itself",
         {"--as", "plain", "member", "set", "plain", "--manage-account"},
         7,
         "permission denied"},
        {"a plain member renames the account",
         {"--as", "plain", "account", "set", "--company", "Mine"},
         7,
         "permission denied"},
        {"a plain member weakens hashing",
         {"--as", "plain", "account", "set", "--argon2", "m=8,t=1,p=1"},
         7,
         "permission denied"},

        // States.
        {"enable a revoked user", {"enable", revoked}, 5, "revoked"},
        {"passwd of a revoked user", {"passwd", revoked, "--generate-password"}, 5, "revoked"},
        {"remove the owner", {"member", "remove", "root"}, 5, "owner"},
        {"demote the owner", {"member", "set", "root", "--no-manage-account"}, 5, "owner"},
        {"add an existing member", {"member", "add", "plain"}, 5, "already a member"},
        {"init over the store", {"init", "--company", "Again"}, 5, "already exists"},

        // The environment.
        {"no store location at all",
         {"list"},
         1,
         "cannot find where the store lives",
         std::nullopt,
         {{"APIUSER_STORE", std::nullopt}, {"HOME", std::nullopt}}},
        {"a relative XDG_DATA_HOME and no HOME",
         {"list"},
         1,
         "cannot find where the store lives",
         std::nullopt,
         {{"APIUSER_STORE", std::nullopt}, {"HOME", std::nullopt}, {"XDG_DATA_HOME", "relative/dir"}}},
        {"negative busy timeout",
         {"create", "--generate-password"},
         2,
         "APIUSER_BUSY_TIMEOUT_MS",
         std::nullopt,
         {{"APIUSER_BUSY_TIMEOUT_MS", "-5"}}},

        // verify answers every unknown or odd name the same way, and records the attempt.
        {"verify an unknown user",
         {"verify", "apiuser-000000000000@apiconnector.com", "--password-stdin"},
         6,
         "authentication failed",
         "Str0ng-enough!\n",
         {},
         false,
         Leaves::one_audit_row},
        {"verify SQL as a username",
         {"verify", "' OR 1=1 --", "--password-stdin"},
         6,
         "authentication failed",
         "Str0ng-enough!\n",
         {},
         false,
         Leaves::one_audit_row},
        {"verify an escape sequence as a username",
         {"verify", "\x1b]0;pwned\x07", "--password-stdin"},
         6,
         "authentication failed",
         "Str0ng-enough!\n",
         {},
         false,
         Leaves::one_audit_row},
        {"verify a revoked user",
         {"verify", revoked, "--password-stdin"},
         6,
         "authentication failed",
         "Str0ng-enough!\n",
         {},
         false,
         Leaves::one_audit_row},
        {"verify a disabled user",
         {"verify", disabled, "--password-stdin"},
         6,
         "authentication failed",
         "Str0ng-enough!\n",
         {},
         false,
         Leaves::one_audit_row},
    };
    return cases;
}

}  // namespace

TEST_CASE("hostile input: every bad input gets its exit code, one harmless line naming the problem, and no change",
          "[reliability][hostile]") {
    Sandbox s;
    s.init();
    s.add_member("plain", false);
    const auto enabled = s.create("Magento Production");
    const auto disabled = s.create("Dynamics CRM", {"--disabled"});
    const auto revoked = s.create("Old");
    REQUIRE(s.run({"revoke", "--yes", revoked}).exit_code == 0);
    const auto password_file = (s.dir() / "password").string();
    std::ofstream{password_file} << "Str0ng-enough!\n";
    // Cases run as "nobody" get a copy of the binary it can reach (run_with); the store stays private to root.
    const auto cases = bad_inputs(enabled, disabled, revoked, password_file);
    REQUIRE(cases.size() >= 60);
    std::size_t ran = 0, skipped = 0;
    for (const auto& c : cases) {
        if (c.as_nobody && !running_as_root()) {
            ++skipped;  // needs root to switch to another user
            continue;
        }
        const auto before = snapshot(s.store());
        const auto bytes_before = read_file(s.store());
        ProcessOptions options;
        options.env = s.environment();
        for (const auto& [key, value] : c.env) {
            if (value) {
                options.env[key] = *value;
            } else {
                options.env.erase(key);
            }
        }
        options.input = c.input;
        if (c.as_nobody) {
            options.uid = nobody_uid;
        }
        const auto r = s.run_with(c.args, options);
        ++ran;
        INFO(c.what << "\n" << describe(r).substr(0, 4000));
        CHECK(r.signal == 0);
        check_error_output(r, c.args, c.exit_code);
        CHECK_THAT(r.err, Catch::Contains(c.message));
        CHECK(terminal_hazard(r.err).empty());
        const auto after = snapshot(s.store());
        if (c.leaves == Leaves::store_unchanged) {
            CHECK(after == before);
            CHECK((read_file(s.store()) == bytes_before));
        } else {
            REQUIRE(after.audit.size() == before.audit.size() + 1);
            CHECK(after.audit.back().action == "api_user.authentication_failed");
            CHECK(after.account == before.account);
            CHECK(after.members == before.members);
            for (const auto& [username, user] : before.users) {
                CHECK(after.users.at(username).status == user.status);
                CHECK(after.users.at(username).password_hash == user.password_hash);
            }
        }
    }
    report("hostile", fmt::format("{} bad inputs tried ({} skipped without root): each its exit code, one harmless "
                                  "error line naming the problem, the store unchanged",
                                  ran, skipped));
}

TEST_CASE("hostile input: tampered hash strings are reported as damaged, never fed to Argon2, and passwd repairs them",
          "[reliability][hostile]") {
    const std::vector<std::string> tampered{
        "",
        "garbage",
        "$argon2id$v=19$m=4294967295,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=1048577,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=8,t=0,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=8,t=1,p=0$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=08,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2i$v=19$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=16$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=8,t=1,p=1$MDEy$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$" + std::string(10000, 'A'),
        "$argon2id$v=19$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8$extra",
        "$argon2id$v=19$m=8,t=1,p=1$M!EyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg==$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=8,t=1,p=1,x=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "$argon2id$v=19$m=-8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
        "\x1b]0;pwned\x07$argon2id$v=19$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$J/7Hj3K73g+0TJW7NAV77k7vqyAWVDds3HffxZJE8w8",
    };
    Sandbox s;
    s.init();
    const auto user = s.create("tampered");
    apiuser::reliability::Tally tried{"hostile",
                                      "tampered hash strings (verify says damaged, describe and list work, "
                                      "passwd repairs)"};
    for (const auto& hash : tampered) {
        // Written as another program would: with a bound parameter, so that any bytes get in.
        {
            SQLite::Database db{s.store().string(), SQLite::OPEN_READWRITE};
            SQLite::Statement update{db, "UPDATE api_users SET password_hash = ?"};
            update.bind(1, hash);
            update.exec();
        }
        INFO(hash.substr(0, 200));
        const auto started = std::chrono::steady_clock::now();
        auto r = s.run({"verify", user, "--password-stdin"}, "Str0ng-enough!\n");
        INFO(describe(r));
        check_error_output(r, {}, 1);
        CHECK_THAT(r.err, Catch::Contains("damaged"));
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{10});
        for (const auto& args :
             std::vector<std::vector<std::string>>{{"describe", user}, {"list"}, {"describe", user, "--json"}}) {
            r = s.run(args);
            INFO(describe(r));
            CHECK(r.exit_code == 0);
            CHECK(terminal_hazard(r.out).empty());
        }
        CHECK(s.run({"passwd", user, "--password-stdin"}, "Rep4ired-secret!\n").exit_code == 0);
        CHECK(s.run({"verify", user, "--password-stdin"}, "Rep4ired-secret!\n").exit_code == 0);
        ++tried;
    }
}

TEST_CASE(
    "hostile input: planted triggers that give every API user a second password make every command refuse the store",
    "[reliability][hostile]") {
    Sandbox s;
    s.init();
    const auto user = s.create("Shop");
    // The attack of the security review: a kept "previous password" of the attacker's, valid until 2099, on
    // every API user created or rotated, surviving every rotation.
    const std::string backdoor =
        "UPDATE api_users SET previous_password_hash = (SELECT password_hash FROM api_users "
        "ORDER BY seq LIMIT 1), previous_password_expires_at = '2099-01-01T00:00:00Z' "
        "WHERE seq = new.seq;";
    s.execute_sql("CREATE TRIGGER keep_in AFTER INSERT ON api_users BEGIN " + backdoor +
                  " END; CREATE TRIGGER stay_in AFTER UPDATE OF password_hash ON api_users BEGIN " + backdoor +
                  " END;");
    const auto before = snapshot(s.store());
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"create", "--generate-password"},
                                               {"passwd", user, "--generate-password"},
                                               {"list"},
                                               {"log"},
                                               {"verify", user, "--password-stdin"},
                                               {"__complete", "--", "describe", ""}}) {
        const auto r = s.run(args, std::string{"Wr0ng-password\n"});
        INFO(describe(r));
        if (args.front() == "__complete") {
            CHECK(r.out.empty());  // completion offers nothing from a store it refuses
            continue;
        }
        check_error_output(r, args, 1);
        CHECK_THAT(r.err, Catch::Contains("store schema has been altered") && Catch::Contains("trigger 'keep_in'") &&
                              Catch::Contains("trigger 'stay_in'"));
    }
    CHECK((snapshot(s.store()) == before));
}

TEST_CASE("hostile input: escape sequences planted in every text column print harmlessly", "[reliability][hostile]") {
    Sandbox s;
    s.init();
    s.add_member("plain", false, "plain@acme.example");
    const auto user = s.create("placeholder");
    const auto revoked = s.create("revoked");
    REQUIRE(s.run({"revoke", "--yes", revoked}).exit_code == 0);
    const std::string evil =
        "evil \x1b]0;pwned\x07 \x1b[2J \xc2\x9b"
        "31m \xe2\x80\xae \xe2\x81\xa6 \x7f \x08\x08 \r end";
    {
        SQLite::Database db{s.store().string(), SQLite::OPEN_READWRITE};
        for (const char* sql :
             {"UPDATE api_users SET description = ?1, created_by = ?1, updated_by = ?1",
              "UPDATE api_users SET revoked_by = ?1 WHERE status = 'revoked'", "UPDATE account SET company = ?1",
              "UPDATE members SET email = ?1, added_by = ?1 WHERE login = 'plain'",
              "INSERT INTO members (login, email, added_at, added_by) VALUES (?1, ?1, '2026-01-01T00:00:00Z', ?1)",
              "INSERT INTO audit_log (at, actor, action, target, details) VALUES ('2026-01-01T00:00:00Z', ?1, ?1, ?1, "
              "?1)",
              "INSERT INTO audit_log (at, actor, action, target, details) VALUES ('2026-01-01T00:00:00Z', 'x', 'x', "
              "'x', "
              "json_object('k', ?1))"}) {
            SQLite::Statement statement{db, sql};
            statement.bind(1, evil);
            statement.exec();
        }
    }
    apiuser::reliability::Tally tried{"hostile", "commands printing planted escape sequences harmlessly"};
    std::string typo = user;
    typo[10] = typo[10] == 'a' ? 'b' : 'a';
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"list"},
                                               {"list", "--all"},
                                               {"describe", user},
                                               {"describe", revoked},
                                               {"log"},
                                               {"log", "--target", evil},
                                               {"member", "list"},
                                               {"account", "show"},
                                               {"list", "--json"},
                                               {"log", "--json"},
                                               {"member", "list", "--json"},
                                               {"account", "show", "--json"},
                                               {"describe", typo},
                                               {"describe", "evil"},
                                               {"create", "--generate-password", "--description", "x"}}) {
        const auto r = s.run(args);
        INFO(describe(r));
        CHECK(r.signal == 0);
        // Terminals see no control characters; JSON escapes C0 controls and carries the rest as data.
        const bool json_output = std::find(args.begin(), args.end(), "--json") != args.end();
        for (const auto* text : {&r.out, &r.err}) {
            if (json_output && text == &r.out) {
                CHECK(text->find('\x1b') == std::string::npos);
                CHECK(text->find('\x07') == std::string::npos);
                CHECK(text->find('\r') == std::string::npos);
            } else {
                CHECK(terminal_hazard(*text).empty());
            }
        }
        ++tried;
    }
}

TEST_CASE(
    "hostile input: usernames and logins planted with escape sequences print harmlessly from every "
    "command",
    "[reliability][hostile][pty]") {
    Sandbox s;
    s.init();
    s.add_member("plain", true);
    const std::string password = "Kn0wn-secret-pass!";
    const auto created = s.run({"create", "--password-stdin", "--quiet", "--description", "target"}, password + "\n");
    REQUIRE(created.exit_code == 0);
    const auto user = apiuser::test::lines_of(created.out).at(0);
    const auto other = s.create("other");
    const std::string id = user.substr(8, 12);
    const std::string other_id = other.substr(8, 12);
    // The typed text "\x1b" too: it must look different from an escaped ESC.
    const std::string evil =
        "\x1b]0;pwned\x07\x1b[2J\xc2\x9b"
        "31m\\x1b";
    {
        SQLite::Database db{s.store().string(), SQLite::OPEN_READWRITE};
        for (const char* sql : {"UPDATE api_users SET username = username || ?1",
                                "UPDATE members SET login = login || ?1 WHERE login = 'plain'"}) {
            SQLite::Statement statement{db, sql};
            statement.bind(1, evil);
            statement.exec();
        }
    }
    const auto harmless = [](const std::string& text) {
        return text.find('\x1b') == std::string::npos && text.find('\x07') == std::string::npos &&
               text.find("\xc2\x9b") == std::string::npos;
    };
    apiuser::reliability::Tally tried{"hostile", "commands printing planted usernames and logins harmlessly"};
    const std::string login = "plain" + evil;
    for (const auto& args : std::vector<std::vector<std::string>>{{"disable", id},
                                                                  {"enable", id},
                                                                  {"passwd", other_id, "--generate-password"},
                                                                  {"revoke", "--yes", other_id},
                                                                  {"member", "set", login, "--no-manage-account"},
                                                                  {"--as", login, "list"},
                                                                  {"__complete", "--", "describe", ""},
                                                                  {"__complete", "--", "member", "set", ""},
                                                                  {"member", "remove", login}}) {
        const auto r = s.run(args);
        INFO(describe(r));
        CHECK(r.signal == 0);
        CHECK(harmless(r.out));
        CHECK(harmless(r.err));
        ++tried;
    }
    {
        const auto r = s.run({"verify", id, "--password-stdin"}, password + "\n");
        INFO(describe(r));
        CHECK(r.exit_code == 0);
        CHECK(harmless(r.out));
        // Escaped, with the typed backslash doubled: "\x1b" from the store reads "\\x1b", an ESC
        // "\x1b".
        CHECK_THAT(r.out, Catch::Contains("\\x1b]0;pwned\\x07") && Catch::Contains("31m\\\\x1b"));
        ++tried;
    }
    for (const auto& args : std::vector<std::vector<std::string>>{{"revoke", id}, {"passwd", id}}) {
        std::vector<std::string> argv{apiuser::test::apiuser_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        apiuser::test::PtySession pty{argv, s.environment()};
        REQUIRE(pty.expect(args.front() == "revoke" ? "Type 'yes'" : "New password for "));
        REQUIRE(pty.expect(": "));
        pty.send("\x03");  // Ctrl-C
        pty.wait();
        INFO(pty.output());
        CHECK(pty.output().find("\\x1b]0;pwned") != std::string::npos);
        CHECK(pty.output().find("\x1b]0;") == std::string::npos);
        CHECK(pty.output().find('\x07') == std::string::npos);
        CHECK(pty.output().find("\x1b[2J") == std::string::npos);
        ++tried;
    }
}

namespace {

// Runs apiuser's run() in this process, as a command line the kernel could not carry would run.
int run_in_process(const std::vector<std::string>& args, std::string& out, std::string& err) {
    std::vector<const char*> argv{"apiuser"};
    for (const auto& arg : args) {
        argv.push_back(arg.c_str());
    }
    std::ostringstream out_stream, err_stream;
    const int code = apiuser::cli::run(static_cast<int>(argv.size()), argv.data(), out_stream, err_stream);
    out = out_stream.str();
    err = err_stream.str();
    return code;
}

}  // namespace

TEST_CASE("hostile input: 10 MB text arguments, which no command line can carry, are refused by run() in process",
          "[reliability][hostile]") {
    Sandbox s;
    s.init();
    const auto user = s.create("placeholder");
    const std::string ten_mb(10 * 1024 * 1024, 'x');
    const std::string ten_mb_multibyte = [] {
        std::string text;
        while (text.size() < 10 * 1024 * 1024) {
            text += "\xc3\xa9";  // é
        }
        return text;
    }();
    // The kernel itself refuses one argument over 128 KiB (E2BIG): run() is the only way in.
    const auto too_big = s.run({"create", "--description", ten_mb});
    CHECK(too_big.exit_code == 127);
    CHECK_THAT(too_big.err, Catch::Contains("Argument list too long"));

    apiuser::reliability::Tally tried{"hostile", "10 MB arguments to run() in process, each refused"};
    const auto store = s.store().string();
    struct Case {
        std::vector<std::string> args;
        int exit_code;
        std::string message;
    };
    for (const auto& c : std::vector<Case>{
             {{"--store", store, "create", "--description", ten_mb, "--generate-password"}, 2, "too long"},
             {{"--store", store, "create", "--description", ten_mb_multibyte, "--generate-password"}, 2, "too long"},
             {{"--store", store, "describe", user, "--description", ten_mb}, 2, "too long"},
             {{"--store", store, "account", "set", "--company", ten_mb}, 2, "too long"},
             {{"--store", store, "member", "add", ten_mb}, 2, "invalid login name"},
             {{"--store", store, "member", "add", "alice", "--email", ten_mb}, 2, "invalid email"},
             {{"--store", store, "describe", ten_mb}, 3, "no API user"},
             {{"--store", store, "disable", ten_mb_multibyte}, 3, "no API user"},
             {{"--store", store, "log", "--since", ten_mb}, 2, "--since"},
             {{"--store", store, "init", "--company", ten_mb}, 2, "too long"},
         }) {
        const auto before = s.dump();
        std::string out, err;
        const int code = run_in_process(c.args, out, err);
        INFO(c.args[2] << " exit " << code << ": " << err.substr(0, 300));
        CHECK(code == c.exit_code);
        CHECK(out.empty());
        CHECK(err.rfind("apiuser: error: ", 0) == 0);
        CHECK_THAT(err, Catch::Contains(c.message));
        CHECK(std::count(err.begin(), err.end(), '\n') == 1);
        // The error names the problem; it does not echo ten megabytes back.
        CHECK(err.size() < 4096);
        CHECK(s.dump() == before);
        ++tried;
    }
}

TEST_CASE("hostile input: a huge mistyped name costs no more than a short one, even among 10,000 API users",
          "[reliability][hostile]") {
    Sandbox s;
    s.init();
    const auto user = s.create("the template row");
    {
        // Rows written straight into the store: creating 10,000 users one command at a time takes minutes.
        SQLite::Database db{s.store().string(), SQLite::OPEN_READWRITE};
        SQLite::Transaction transaction{db};
        SQLite::Statement insert{db,
                                 "INSERT INTO api_users (id, username, description, description_key, status, "
                                 "password_hash, created_at, created_by, updated_at, updated_by) "
                                 "SELECT ?1, 'apiuser-' || ?1 || '@apiconnector.com', 'Integration ' || ?1, "
                                 "'integration ' || ?1, 'enabled', password_hash, created_at, created_by, "
                                 "updated_at, updated_by FROM api_users WHERE username = ?2"};
        for (int i = 0; i < 10'000; ++i) {
            insert.bind(1, fmt::format("{:012x}", 0xb00000000000ull + static_cast<unsigned>(i)));
            insert.bind(2, user);
            insert.exec();
            insert.reset();
        }
        transaction.commit();
    }
    const auto timed = [&](const std::string& name) {
        const auto started = std::chrono::steady_clock::now();
        const auto r = s.run({"describe", name});
        INFO(describe(r).substr(0, 2000));
        CHECK(r.exit_code == 3);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    const double short_typo = timed("b000000000zz");
    const double huge = timed(std::string(128 * 1024 - 1, 'b'));
    INFO("a short typo took " << short_typo << " s, a 128 KiB name " << huge << " s");
    CHECK(huge < 5 * short_typo + 1);
}
