// lrn, ONNX semantics: y[c] = x[c] / (bias + alpha / size * sum x[c']^2) ^ beta
// over c' in [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to the
// channels; an even size therefore reaches one channel further up than down.
#include <algorithm>
#include <cmath>

#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

Tensor lrn(const Node& n, const Operands& in, const TensorType& out) {
  const Tensor& x = *in[0];
  const int64_t size = n.int_attr("size");
  const double alpha = n.float_attr("alpha"), beta = n.float_attr("beta");
  const double bias = n.float_attr("bias");
  const int64_t below = (size - 1) / 2, above = size / 2;  // floor and ceil of (size-1)/2
  const int64_t N = x.dims()[0], C = x.dims()[1], HW = x.dims()[2] * x.dims()[3];
  Tensor y(out);
  for (int64_t b = 0; b < N; ++b) {
    for (int64_t c = 0; c < C; ++c) {
      const int64_t lo = std::max<int64_t>(0, c - below), hi = std::min(C - 1, c + above);
      for (int64_t i = 0; i < HW; ++i) {
        double sum_sq = 0.0;
        for (int64_t cc = lo; cc <= hi; ++cc) {
          const double v = x.data[static_cast<size_t>((b * C + cc) * HW + i)];
          sum_sq += v * v;
        }
        const size_t at = static_cast<size_t>((b * C + c) * HW + i);
        const double denom = std::pow(bias + alpha / static_cast<double>(size) * sum_sq, beta);
        y.data[at] = static_cast<float>(x.data[at] / denom);
      }
    }
  }
  return y;
}

}  // namespace kiln::reference::ops
