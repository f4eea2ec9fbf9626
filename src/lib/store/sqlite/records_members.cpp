#include <apiuser/errors.hpp>

#include "store/sqlite/columns.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace apiuser::store::sqlite {

namespace {

constexpr const char* member_columns = "login, email, is_owner, can_manage_account, added_at, added_by";

Member read_member(const SQLite::Statement& row) {
    Member member;
    member.login = row.getColumn(0).getString();
    member.email = row.getColumn(1).getString();
    member.owner = row.getColumn(2).getInt() != 0;
    member.can_manage_account = row.getColumn(3).getInt() != 0;
    member.added_at = timestamp_column(row.getColumn(4));
    member.added_by = row.getColumn(5).getString();
    return member;
}

}  // namespace

std::optional<Member> SqliteRecords::find_member(std::string_view login) {
    SQLite::Statement query{db_, std::string{"SELECT "} + member_columns + " FROM members WHERE login = ?"};
    query.bind(1, std::string{login});
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_member(query);
}

std::vector<Member> SqliteRecords::all_members() {
    SQLite::Statement query{db_,
                            std::string{"SELECT "} + member_columns + " FROM members ORDER BY is_owner DESC, login"};
    std::vector<Member> members;
    while (query.executeStep()) {
        members.push_back(read_member(query));
    }
    return members;
}

void SqliteRecords::insert_member(const Member& member) {
    SQLite::Statement insert{db_,
                             std::string{"INSERT INTO members ("} + member_columns + ") VALUES (?, ?, ?, ?, ?, ?)"};
    insert.bind(1, member.login);
    insert.bind(2, member.email);
    insert.bind(3, member.owner ? 1 : 0);
    insert.bind(4, member.can_manage_account ? 1 : 0);
    insert.bind(5, format_timestamp(member.added_at));
    insert.bind(6, member.added_by);
    insert.exec();
}

void SqliteRecords::update_member_permission(std::string_view login, bool can_manage_account) {
    SQLite::Statement update{db_, "UPDATE members SET can_manage_account = ? WHERE login = ?"};
    update.bind(1, can_manage_account ? 1 : 0);
    update.bind(2, std::string{login});
    update.exec();
}

void SqliteRecords::delete_member(std::string_view login) {
    SQLite::Statement remove{db_, "DELETE FROM members WHERE login = ? AND is_owner = 0"};
    remove.bind(1, std::string{login});
    remove.exec();
}

}  // namespace apiuser::store::sqlite
