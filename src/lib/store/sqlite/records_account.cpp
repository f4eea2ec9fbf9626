#include <apiuser/errors.hpp>

#include "store/sqlite/columns.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace apiuser::store::sqlite {

AccountSettings SqliteRecords::load_account() {
    SQLite::Statement query{db_,
                            "SELECT company, domain, argon2_memory_kib, argon2_iterations, argon2_parallelism, "
                            "created_at, (SELECT login FROM members WHERE is_owner = 1) FROM account"};
    if (!query.executeStep()) {
        throw Error(ErrorKind::store_damaged, "the store is damaged: its account row is missing");
    }
    AccountSettings account;
    account.company = query.getColumn(0).getString();
    account.domain = query.getColumn(1).getString();
    account.argon2 = {query.getColumn(2).getUInt(), query.getColumn(3).getUInt(), query.getColumn(4).getUInt()};
    account.created_at = timestamp_column(query.getColumn(5));
    account.owner = query.getColumn(6).getString();
    return account;
}

void SqliteRecords::insert_account(const AccountSettings& account) {
    SQLite::Statement insert{db_,
                             "INSERT INTO account (singleton, company, domain, argon2_memory_kib, argon2_iterations, "
                             "argon2_parallelism, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)"};
    insert.bind(1, account.company);
    insert.bind(2, account.domain);
    insert.bind(3, account.argon2.memory_kib);
    insert.bind(4, account.argon2.iterations);
    insert.bind(5, account.argon2.parallelism);
    insert.bind(6, format_timestamp(account.created_at));
    insert.exec();
}

void SqliteRecords::update_account_settings(const AccountSettings& account) {
    SQLite::Statement update{db_,
                             "UPDATE account SET company = ?, argon2_memory_kib = ?, argon2_iterations = ?, "
                             "argon2_parallelism = ?"};
    update.bind(1, account.company);
    update.bind(2, account.argon2.memory_kib);
    update.bind(3, account.argon2.iterations);
    update.bind(4, account.argon2.parallelism);
    update.exec();
}

}  // namespace apiuser::store::sqlite
