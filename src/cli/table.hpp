#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "console.hpp"

namespace apiuser::cli {

// A plain-text table that streams: the first rows are held back to size the columns, then every row is
// printed as it comes, so that listing 100,000 API users takes no more memory than listing 100.
class Table {
  public:
    struct Column {
        std::string heading;
        // Renders a cell instead of escaping it, to add colour; the padding is measured on the
        // escaped cell, so that colour codes do not upset the alignment.
        std::function<SafeText(std::string_view)> decorate;
    };

    Table(Console& console, std::vector<Column> columns);
    Table(const Table&) = delete;
    Table& operator=(const Table&) = delete;

    // Adds a row of cells, one per column, as they are: the table escapes them.
    void add(std::vector<std::string> cells);

    // Prints whatever is held back, headings included. Not called on destruction: a command that fails
    // part-way prints no half table.
    void finish();

  private:
    void size_and_print_held_rows();
    void print(const std::vector<std::string>& cells, bool decorate = true);

    // Each row as given, and its cells escaped, to measure.
    struct Row {
        std::vector<std::string> cells;
        std::vector<std::string> escaped;
    };

    Console& console_;
    std::vector<Column> columns_;
    std::vector<std::size_t> widths_;
    std::vector<Row> held_;
    bool streaming_ = false;
};

}  // namespace apiuser::cli
