#include "ir/tensor.h"

#include <algorithm>
#include <optional>

namespace kiln {

namespace {

// "137438953408 bytes"; products past int64 (a type whose element count overflows) are not
// wrapped into a plausible small number.
std::string byte_count(const TensorType& type) {
  const std::optional<int64_t> elements = checked_element_count(type.dims);  // 4x it fits too
  const bool negative =
      std::any_of(type.dims.begin(), type.dims.end(), [](int64_t d) { return d < 0; });
  if (!elements || negative) return "more than 2^63 bytes";
  return std::to_string(*elements * 4) + " bytes";  // f32
}

}  // namespace

Error out_of_memory(const std::string& what, const TensorType& type) {
  return Error("out of memory allocating " + what + " " + type.str() + " (" + byte_count(type) +
               ")");
}

}  // namespace kiln
