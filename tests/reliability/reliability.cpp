#include "reliability.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <grp.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace apiuser::reliability {

namespace {

std::string row_text(SQLite::Statement& query) {
    std::string text;
    for (int i = 0; i < query.getColumnCount(); ++i) {
        const auto column = query.getColumn(i);
        text += column.isNull() ? std::string{"NULL"} : column.getString();
        text += '|';
    }
    return text;
}

std::optional<std::string> optional_text(const SQLite::Column& column) {
    return column.isNull() ? std::nullopt : std::optional{column.getString()};
}

}  // namespace

double scale() {
    const char* text = std::getenv("RELIABILITY_SCALE");
    if (text == nullptr || *text == '\0') {
        return 1.0;
    }
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    if (end == text || *end != '\0' || !(value > 0)) {
        throw std::invalid_argument("RELIABILITY_SCALE must be a positive number");
    }
    return value;
}

std::size_t scaled(std::size_t release_count, std::size_t sanitizer_count) {
    const auto base = static_cast<double>(sanitizer_build ? sanitizer_count : release_count);
    const auto count = static_cast<std::size_t>(base * scale() + 0.5);
    return count == 0 ? 1 : count;
}

std::uint64_t seed() {
    static const std::uint64_t value = [] {
        if (const char* text = std::getenv("RELIABILITY_SEED"); text != nullptr && *text != '\0') {
            return static_cast<std::uint64_t>(std::strtoull(text, nullptr, 10));
        }
        return static_cast<std::uint64_t>(std::random_device{}());
    }();
    return value;
}

void report(const std::string& suite, const std::string& line) {
    const std::string text = "reliability: " + suite + ": " + line + "\n";
    std::cout << text << std::flush;
    if (const char* path = std::getenv("RELIABILITY_REPORT"); path != nullptr && *path != '\0') {
        std::ofstream file{path, std::ios::app};
        file << text;
    }
}

Tally::~Tally() {
    report(suite_, std::to_string(count_) + " " + what_);
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    return true;
}

bool running_as_root() {
    return ::geteuid() == 0;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream file{path, std::ios::binary};
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

test::ProcessOptions piped_stdin(std::map<std::string, std::string> env, bool pipe, std::optional<uid_t> uid) {
    test::ProcessOptions options;
    options.env = std::move(env);
    options.stdin_pipe = pipe;
    options.uid = uid;
    return options;
}

StoreSnapshot snapshot(const std::filesystem::path& store) {
    StoreSnapshot result;
    struct stat st {};
    if (::lstat(store.c_str(), &st) != 0) {
        return result;
    }
    result.exists = true;
    SQLite::Database db{store.string(), SQLite::OPEN_READONLY};
    db.exec("BEGIN");
    {
        SQLite::Statement query{db, "SELECT * FROM account"};
        while (query.executeStep()) {
            result.account += row_text(query) + "\n";
        }
    }
    {
        SQLite::Statement query{db, "SELECT * FROM members ORDER BY login"};
        while (query.executeStep()) {
            result.members += row_text(query) + "\n";
        }
    }
    {
        SQLite::Statement query{db,
                                "SELECT id, username, description, status, password_hash, previous_password_hash, "
                                "updated_at FROM api_users ORDER BY seq"};
        while (query.executeStep()) {
            ApiUserRow row{query.getColumn(0).getString(),    query.getColumn(1).getString(),
                           query.getColumn(2).getString(),    query.getColumn(3).getString(),
                           optional_text(query.getColumn(4)), optional_text(query.getColumn(5)),
                           query.getColumn(6).getString()};
            result.users.emplace(row.username, row);
        }
    }
    {
        SQLite::Statement query{db, "SELECT seq, actor, action, target, details FROM audit_log ORDER BY seq"};
        while (query.executeStep()) {
            result.audit.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                                    query.getColumn(2).getString(), query.getColumn(3).getString(),
                                    query.getColumn(4).getString()});
        }
    }
    db.exec("COMMIT");
    return result;
}

std::string integrity_check(const std::filesystem::path& store) {
    SQLite::Database db{store.string(), SQLite::OPEN_READONLY};
    std::string answer;
    SQLite::Statement query{db, "PRAGMA integrity_check"};
    while (query.executeStep()) {
        answer += (answer.empty() ? "" : "; ") + query.getColumn(0).getString();
    }
    return answer;
}

std::vector<std::string> consistency_problems(const std::filesystem::path& store) {
    std::vector<std::string> problems;
    try {
        if (const auto integrity = integrity_check(store); integrity != "ok") {
            problems.push_back("integrity_check: " + integrity);
            return problems;
        }
        const auto snap = snapshot(store);
        static const std::regex phc{R"(\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+)"};
        std::map<std::string, int> creations;
        std::map<std::string, std::string> replayed_status;
        for (const auto& row : snap.audit) {
            if (row.action == "api_user.create") {
                ++creations[row.target];
                const auto details = nlohmann::json::parse(row.details, nullptr, false);
                replayed_status[row.target] =
                    details.is_object() && details.contains("status") ? details["status"].get<std::string>() : "?";
            } else if (row.action == "api_user.enable") {
                replayed_status[row.target] = "enabled";
            } else if (row.action == "api_user.disable") {
                replayed_status[row.target] = "disabled";
            } else if (row.action == "api_user.revoke") {
                replayed_status[row.target] = "revoked";
            }
        }
        for (const auto& [username, user] : snap.users) {
            const bool revoked = user.status == "revoked";
            if (revoked && (user.password_hash || user.previous_password_hash)) {
                problems.push_back(username + " is revoked but still has a hash");
            }
            if (!revoked && (!user.password_hash || !std::regex_match(*user.password_hash, phc))) {
                problems.push_back(username + " is " + user.status + " without a well-formed hash");
            }
            if (creations[username] != 1) {
                problems.push_back(username + " has " + std::to_string(creations[username]) + " creation rows");
            }
            if (replayed_status[username] != user.status) {
                problems.push_back(username + " is " + user.status + " but the audit log says " +
                                   replayed_status[username]);
            }
        }
        for (const auto& [username, count] : creations) {
            if (count > 0 && snap.users.count(username) == 0) {
                problems.push_back("the audit log records creating " + username + ", which does not exist");
            }
        }
    } catch (const std::exception& e) {
        problems.push_back(std::string{"cannot read the store: "} + e.what());
    }
    return problems;
}

std::string join_lines(const std::vector<std::string>& problems) {
    std::string text;
    for (const auto& problem : problems) {
        text += problem + "\n";
    }
    return text;
}

}  // namespace apiuser::reliability
