// concat: joins operands along one axis (negative counts from the end).
#include <algorithm>

#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

Tensor concat(const Node& n, const Operands& in, const TensorType& out) {
  const int64_t rank = static_cast<int64_t>(out.dims.size());
  const int64_t axis = n.int_attr("axis") < 0 ? n.int_attr("axis") + rank : n.int_attr("axis");
  const size_t a = static_cast<size_t>(axis);
  const int64_t outer = product(out.dims, 0, a);
  const int64_t inner = product(out.dims, a + 1, out.dims.size());
  Tensor y(out);
  // Each operand contributes one contiguous block of dims[axis] * inner
  // elements to every outer slice, in operand order.
  auto dst = y.data.begin();
  for (int64_t o = 0; o < outer; ++o) {
    for (const Tensor* t : in) {
      const int64_t block = t->dims()[a] * inner;
      auto src = t->data.begin() + o * block;
      dst = std::copy(src, src + block, dst);
    }
  }
  return y;
}

}  // namespace kiln::reference::ops
