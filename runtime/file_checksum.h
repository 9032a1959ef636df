// The XXH64 of a whole file: what weights.bin records for libkiln_model.so when the compiler
// writes the artifact, and what the runtime recomputes before dlopen. One function, so that the
// two cannot drift apart.
#pragma once

#include <cstdint>
#include <string>

namespace kiln::rt {

// Throws rt::Error when the file cannot be opened, stat'ed or mapped.
uint64_t file_checksum(const std::string& path);

}  // namespace kiln::rt
