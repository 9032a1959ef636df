// softmax along one axis (ONNX opset 13). The maximum of each slice is
// subtracted before exp so that large logits do not overflow.
#include <algorithm>
#include <cmath>
#include <limits>

#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

Tensor softmax(const Node& n, const Operands& in, const TensorType& out) {
  const Tensor& x = *in[0];
  const int64_t rank = static_cast<int64_t>(out.dims.size());
  const int64_t axis = n.int_attr("axis") < 0 ? n.int_attr("axis") + rank : n.int_attr("axis");
  const size_t a = static_cast<size_t>(axis);
  const int64_t outer = product(out.dims, 0, a), len = out.dims[a];
  const int64_t inner = product(out.dims, a + 1, out.dims.size());
  Tensor y(out);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      // Element k of this slice is at base + k * inner.
      const int64_t base = o * len * inner + i;
      auto at = [&](int64_t k) { return static_cast<size_t>(base + k * inner); };
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t k = 0; k < len; ++k) m = std::max(m, static_cast<double>(x.data[at(k)]));
      double sum = 0.0;
      for (int64_t k = 0; k < len; ++k) sum += std::exp(x.data[at(k)] - m);
      for (int64_t k = 0; k < len; ++k)
        y.data[at(k)] = static_cast<float>(std::exp(x.data[at(k)] - m) / sum);
    }
  }
  return y;
}

}  // namespace kiln::reference::ops
