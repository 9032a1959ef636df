#include "backend/halide/buffer_index_limit.h"

#include <cstdlib>
#include <limits>

namespace kiln::halide {
namespace {

// a * b, saturated: the product of hostile extents must not wrap back under the limit.
int64_t saturating_product(int64_t a, int64_t b) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::numeric_limits<int64_t>::max();
  return product;
}

}  // namespace

std::string buffer_limit_text() {
  return "more than the " + std::to_string(kMaxBufferElements) +
         " (2^31 - 1) elements a Halide buffer can index";
}

std::string buffer_index_excess(const PlanTensor& t) {
  int64_t elements = 1;
  for (int e : t.extents) elements = saturating_product(elements, e);
  if (elements > kMaxBufferElements) return "holds " + std::to_string(elements) + " elements";
  for (size_t d = 0; d < t.extents.size() && d < t.strides.size(); ++d) {
    const int64_t stride = t.strides[d] == std::numeric_limits<int64_t>::min()
                               ? std::numeric_limits<int64_t>::max()
                               : std::llabs(t.strides[d]);
    const int64_t span = saturating_product(t.extents[d], stride);
    if (span > kMaxBufferElements) {
      return "spans " + std::to_string(span) + " elements in dimension " + std::to_string(d) +
             " (extent " + std::to_string(t.extents[d]) + " x stride " +
             std::to_string(t.strides[d]) + ")";
    }
  }
  return "";
}

}  // namespace kiln::halide
