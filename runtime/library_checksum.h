// Verifies libkiln_model.so against the checksum weights.bin recorded when both were written,
// before dlopen. Why: dlopen applies a library's relocations and runs its initialisers, so a
// damaged one crashes the process instead of failing (8 zeroed bytes at offset 300000 of
// ResNet-18's library: SIGSEGV), and elf_check vouches only for the headers.
#pragma once

#include <string>

namespace kiln::rt {

// Throws rt::Error "<library> and <weights> do not belong together: ..." when the library's
// XXH64 differs from the one `weights_path` records, or rt::Error about weights.bin when that
// record cannot be read.
void check_library_checksum(const std::string& library_path, const std::string& weights_path);

}  // namespace kiln::rt
