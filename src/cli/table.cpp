#include "table.hpp"

#include <algorithm>

namespace apiuser::cli {

namespace {

constexpr std::size_t rows_held_for_sizing = 1000;
constexpr std::string_view column_gap = "  ";

}  // namespace

Table::Table(Console& console, std::vector<Column> columns) : console_(console), columns_(std::move(columns)) {
    widths_.resize(columns_.size());
}

void Table::add(std::vector<std::string> cells) {
    if (streaming_) {
        print(cells);
        return;
    }
    std::vector<std::string> escaped;
    escaped.reserve(cells.size());
    for (const auto& cell : cells) {
        escaped.push_back(terminal_safe(cell));
    }
    held_.push_back({std::move(cells), std::move(escaped)});
    if (held_.size() >= rows_held_for_sizing) {
        size_and_print_held_rows();
    }
}

void Table::finish() {
    if (!streaming_) {
        size_and_print_held_rows();
    }
}

void Table::size_and_print_held_rows() {
    streaming_ = true;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        widths_[i] = display_width(terminal_safe(columns_[i].heading));
        for (const auto& row : held_) {
            widths_[i] = std::max(widths_[i], display_width(row.escaped[i]));
        }
    }
    std::vector<std::string> headings;
    for (const auto& column : columns_) {
        headings.push_back(column.heading);
    }
    print(headings, false);
    for (const auto& row : held_) {
        print(row.cells);
    }
    held_.clear();
    held_.shrink_to_fit();
}

void Table::print(const std::vector<std::string>& cells, bool decorate) {
    SafeText line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const bool last = i + 1 == cells.size();
        const SafeText plain{cells[i]};
        line.append(decorate && columns_[i].decorate ? columns_[i].decorate(cells[i]) : plain);
        if (!last) {
            const auto width = display_width(plain.str());
            line.spaces(widths_[i] > width ? widths_[i] - width : 0);
            line.append(column_gap);
        }
    }
    line.trim_end();
    console_.result(line);
}

}  // namespace apiuser::cli
