// Spelling values as C source text for the generated entry point and header.
#pragma once

#include <cstdint>
#include <string>

namespace kiln::halide::codegen {

// [A-Za-z_][A-Za-z0-9_]*
bool is_c_identifier(const std::string& s);
// Names the generated library defines itself (kiln_model_*, kiln_kernel_*, halide_*).
bool is_reserved_symbol(const std::string& s);

// A C string literal with everything outside printable ASCII, quotes, backslashes and '?'
// (trigraphs) escaped as octal.
std::string c_string(const std::string& s);
// A C comment body: "*/" is broken up so arbitrary names cannot end the comment.
std::string c_comment(const std::string& s);

std::string c_int64(int64_t v);    // "123LL"
std::string c_uint64(uint64_t v);  // "0x...ULL"
// Shortest round-trip spelling of a finite double; non-finite values become 0.0.
std::string c_double(double v);

}  // namespace kiln::halide::codegen
