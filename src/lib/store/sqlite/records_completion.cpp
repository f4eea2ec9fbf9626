#include <apiuser/completion.hpp>
#include <apiuser/errors.hpp>

#include "store/sqlite/columns.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace apiuser::store::sqlite {

namespace {

// `text` as a LIKE pattern matching itself literally, followed by anything.
std::string like_prefix(std::string_view text) {
    std::string pattern;
    pattern.reserve(text.size() + 1);
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\') {
            pattern.push_back('\\');
        }
        pattern.push_back(c);
    }
    pattern.push_back('%');
    return pattern;
}

}  // namespace

void SqliteRecords::for_each_api_user_name_starting_with(std::span<const ApiUserStatus> statuses,
                                                         std::string_view prefix,
                                                         const std::function<void(const ApiUserName&)>& sink) {
    if (statuses.empty()) {
        return;
    }
    // LIKE folds ASCII case, as username references do; ids are lowercase hex, usernames lowercase ASCII.
    std::string sql =
        "SELECT id, username, description FROM api_users "
        "WHERE (username LIKE ?1 ESCAPE '\\' OR id LIKE ?1 ESCAPE '\\') AND status IN (";
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        sql += i == 0 ? "?" : ", ?";
    }
    sql += ") ORDER BY seq";
    SQLite::Statement query{db_, sql};
    query.bind(1, like_prefix(prefix));
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        query.bind(static_cast<int>(i + 2), std::string{to_string(statuses[i])});
    }
    ApiUserName name;
    while (query.executeStep()) {
        name.id = query.getColumn(0).getString();
        name.username = query.getColumn(1).getString();
        name.description = query.getColumn(2).getString();
        sink(name);
    }
}

}  // namespace apiuser::store::sqlite
