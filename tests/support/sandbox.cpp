#include "sandbox.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <unistd.h>

#include "sanitizer.hpp"

namespace apiuser::test {

std::string apiuser_binary() {
    if (const char* override_path = std::getenv("APIUSER_TEST_BINARY")) {
        return override_path;
    }
    return APIUSER_BINARY;
}

namespace {

// TMPDIR, or /tmp when it is unset or empty.
std::string temporary_directory() {
    const char* tmp = std::getenv("TMPDIR");
    return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

// The directory apiuser_binary_for() puts a reachable copy of the binary in; removed at exit.
class ReachableBinary {
  public:
    ReachableBinary() {
        std::string pattern = temporary_directory() + "/apiuser-bin-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed for the reachable copy of the binary");
        }
        dir_ = pattern;
        std::filesystem::permissions(dir_, std::filesystem::perms{0755});
        // Named apiuser, like the original, so that what the process calls itself stays the same.
        path_ = dir_ / "apiuser";
        std::error_code not_linked;
        std::filesystem::create_hard_link(apiuser_binary(), path_, not_linked);
        if (not_linked) {
            std::filesystem::copy_file(apiuser_binary(), path_);
            std::filesystem::permissions(path_, std::filesystem::perms{0755});
        }
    }
    ~ReachableBinary() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    ReachableBinary(const ReachableBinary&) = delete;
    ReachableBinary& operator=(const ReachableBinary&) = delete;

    std::string path() const { return path_.string(); }

  private:
    std::filesystem::path dir_;
    std::filesystem::path path_;
};

}  // namespace

std::string apiuser_binary_for(std::optional<uid_t> uid) {
    if (!uid || *uid == ::geteuid()) {
        return apiuser_binary();
    }
    static const ReachableBinary reachable;
    return reachable.path();
}

Sandbox::Sandbox() {
    std::string pattern = temporary_directory() + "/apiuser-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    store_ = dir_ / "store" / "apiuser.db";
}

Sandbox::~Sandbox() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::map<std::string, std::string> Sandbox::environment() const {
    // In the sanitizer build the thousands of apiuser processes the tests start skip LeakSanitizer's scan
    // at exit, a fifth of each one's cost; leaks in run() are still found in process, by the unit tests
    // and by fuzz_cli. Every other check of ASan and UBSan stays on.
    std::string asan_options = std::getenv("ASAN_OPTIONS") != nullptr ? std::getenv("ASAN_OPTIONS") : "";
    if (sanitizer_build) {
        asan_options += asan_options.empty() ? "detect_leaks=0" : ":detect_leaks=0";
    }
    return {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
            {"HOME", dir_.string()},
            {"APIUSER_STORE", store_.string()},
            {"LANG", "C.UTF-8"},
            {"ASAN_OPTIONS", asan_options},
            {"UBSAN_OPTIONS", std::getenv("UBSAN_OPTIONS") != nullptr ? std::getenv("UBSAN_OPTIONS") : ""}};
}

ProcessResult Sandbox::run(const std::vector<std::string>& args, std::optional<std::string> input) const {
    ProcessOptions options;
    options.input = std::move(input);
    options.env = environment();
    return run_with(args, std::move(options));
}

ProcessResult Sandbox::run_with(const std::vector<std::string>& args, ProcessOptions options) const {
    std::vector<std::string> argv{apiuser_binary_for(options.uid)};
    argv.insert(argv.end(), args.begin(), args.end());
    if (options.env.empty()) {
        options.env = environment();
    }
    return run_process(argv, options);
}

void Sandbox::init(const std::string& company) const {
    const auto result = run({"init", "--company", company, "--argon2", fast_argon2});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

void Sandbox::add_member(const std::string& login, bool admin, const std::string& email) const {
    std::vector<std::string> args{"member", "add", login, "--allow-unknown-login"};
    if (admin) {
        args.emplace_back("--manage-account");
    }
    if (!email.empty()) {
        args.insert(args.end(), {"--email", email});
    }
    const auto result = run(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

std::string Sandbox::create(const std::string& description, const std::vector<std::string>& extra) const {
    std::vector<std::string> args{"create", "--generate-password", "--quiet"};
    if (!description.empty()) {
        args.insert(args.end(), {"--description", description});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = run(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 2);
    return lines[0];
}

std::string Sandbox::store_bytes() const {
    std::ifstream file{store_, std::ios::binary};
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

std::string Sandbox::dump() const {
    SQLite::Database db{store_.string(), SQLite::OPEN_READONLY};
    std::string text;
    for (const char* table : {"account", "members", "api_users", "audit_log"}) {
        SQLite::Statement query{db, std::string{"SELECT * FROM "} + table + " ORDER BY 1"};
        text += std::string{"# "} + table + "\n";
        while (query.executeStep()) {
            for (int i = 0; i < query.getColumnCount(); ++i) {
                const auto column = query.getColumn(i);
                text += column.isNull() ? std::string{"NULL"} : column.getString();
                text += '|';
            }
            text += '\n';
        }
    }
    return text;
}

void Sandbox::execute_sql(const std::string& sql) const {
    SQLite::Database db{store_.string(), SQLite::OPEN_READWRITE};
    db.exec(sql);
}

}  // namespace apiuser::test
