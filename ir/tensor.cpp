#include "ir/tensor.h"

#include <limits>

namespace kiln {

namespace {

// "137438953408 bytes"; products past int64 (a type whose element count overflows) are not
// wrapped into a plausible small number.
std::string byte_count(const TensorType& type) {
  int64_t bytes = 4;  // f32
  for (int64_t d : type.dims)
    if (d < 0 || __builtin_mul_overflow(bytes, d, &bytes)) return "more than 2^63 bytes";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

Error out_of_memory(const std::string& what, const TensorType& type) {
  return Error("out of memory allocating " + what + " " + type.str() + " (" + byte_count(type) +
               ")");
}

}  // namespace kiln
