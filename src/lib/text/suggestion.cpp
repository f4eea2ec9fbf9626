#include <algorithm>
#include <vector>

#include <apiuser/suggestion.hpp>

namespace apiuser {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string> nearest_name(std::string_view typed, std::span<const std::string> names) {
    // Mistyped words are short; a huge one is near nothing, and must not cost its length times each
    // name's.
    constexpr std::size_t longest_name = 64;
    constexpr std::size_t most_edits = 2;
    if (typed.empty() || typed.size() > longest_name) {
        return std::nullopt;
    }
    const auto starting =
        std::count_if(names.begin(), names.end(), [&](const std::string& name) { return name.starts_with(typed); });
    if (starting == 1) {
        return *std::find_if(names.begin(), names.end(),
                             [&](const std::string& name) { return name.starts_with(typed); });
    }
    std::optional<std::string> nearest;
    std::size_t nearest_distance = std::min(most_edits, typed.size() - 1) + 1;
    for (const auto& name : names) {
        if (const auto distance = edit_distance(typed, name); distance < nearest_distance) {
            nearest = name;
            nearest_distance = distance;
        }
    }
    return nearest;
}

}  // namespace apiuser
