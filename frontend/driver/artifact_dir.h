// Recognising a directory written by `kiln compile`, whole or not.
#pragma once

#include <string>
#include <vector>

namespace kiln::driver {

// True when `path` is a directory holding a compiled artifact's library.
bool is_artifact_dir(const std::string& path);

// The artifact files `dir` lacks when it holds at least one of them (an incomplete or damaged
// artifact), as paths inside `dir`; empty when it holds all of them or none.
std::vector<std::string> missing_artifact_files(const std::string& dir);

}  // namespace kiln::driver
