#include "ir/types.h"

#include "ir/error.h"

namespace kiln {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::f32:
      return "f32";
  }
  return "?";
}

std::optional<int64_t> checked_element_count(const std::vector<int64_t>& dims) {
  int64_t n = 1, bytes = 0;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(n, d, &n)) return std::nullopt;
  // Byte sizes and offsets are int64 too (arena plans, weight files).
  if (__builtin_mul_overflow(n, int64_t{4}, &bytes)) return std::nullopt;
  return n;
}

int64_t TensorType::num_elements() const {
  std::optional<int64_t> n = checked_element_count(dims);
  if (!n) throw Error("type " + str() + " is too large: its size in bytes overflows 64 bits");
  return *n;
}

std::string TensorType::str() const {
  std::string s = dtype_name(dtype);
  s += '[';
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(dims[i]);
  }
  s += ']';
  return s;
}

}  // namespace kiln
