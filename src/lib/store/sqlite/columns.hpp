#pragma once

// Reading the store's columns.

#include <optional>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>

#include <apiuser/clock.hpp>

namespace apiuser::store::sqlite {

// The text of `column`, valid until the statement moves on: no copy, unlike getString().
inline std::string_view text_column(const SQLite::Column& column) {
    const char* text = column.getText();  // before getBytes(), which needs the text form to exist
    return {text, static_cast<std::size_t>(column.getBytes())};
}

// Timestamps are stored as RFC 3339 text, which sorts by time and reads well in a `sqlite3` session.
inline std::optional<Timestamp> optional_timestamp_column(const SQLite::Column& column) {
    return column.isNull() ? std::nullopt : parse_timestamp(text_column(column));
}
inline Timestamp timestamp_column(const SQLite::Column& column) {
    return optional_timestamp_column(column).value_or(Timestamp{});
}

}  // namespace apiuser::store::sqlite
