// Errors inside the runtime are exceptions with context; the C API turns them into messages
// once, at its boundary (model.cpp, run.cpp).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace kiln::rt {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Copies `message` into the caller's buffer (NUL-terminated, truncated to fit; err may be NULL).
void write_error(char* err, std::size_t err_len, const std::string& message);

}  // namespace kiln::rt
