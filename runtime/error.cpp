#include "runtime/error.h"

#include <cstring>

namespace kiln::rt {

void write_error(char* err, std::size_t err_len, const std::string& message) {
  if (err == nullptr || err_len == 0) return;
  const std::size_t n = std::min(message.size(), err_len - 1);
  std::memcpy(err, message.data(), n);
  err[n] = '\0';
}

}  // namespace kiln::rt
