// "Did you mean" hints: the closest of some known names to a misspelt one.
#pragma once

#include <string>
#include <vector>

namespace kiln {

// Levenshtein distance: single-character insertions, deletions and substitutions.
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word`, if it is fewer than `max_distance` edits away (the first one
// on ties), else "".
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates,
                         size_t max_distance = 3);

}  // namespace kiln
