#pragma once

// What a person probably meant by a mistyped name: the basis of every "did you mean" the front ends
// give.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace apiuser {

// Returns the number of one-byte insertions, deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// Returns the name among `names` that `typed` most probably misspells: the only one that starts
// with it, else the nearest within two edits (fewer than `typed` has bytes), the first of `names`
// on a tie; nullopt when none is near.
std::optional<std::string> nearest_name(std::string_view typed, std::span<const std::string> names);

}  // namespace apiuser
