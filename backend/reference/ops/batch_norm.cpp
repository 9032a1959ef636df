// batch_norm, inference form: y = scale * (x - mean) / sqrt(var + eps) + bias
// per channel (dimension 1), for any rank >= 2.
#include <cmath>

#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

Tensor batch_norm(const Node& n, const Operands& in, const TensorType& out) {
  const Tensor& x = *in[0];
  const Tensor &scale = *in[1], &bias = *in[2], &mean = *in[3], &var = *in[4];
  const double eps = n.float_attr("epsilon");
  const int64_t N = x.dims()[0], C = x.dims()[1];
  const int64_t inner = product(x.dims(), 2, x.dims().size());
  Tensor y(out);
  for (int64_t b = 0; b < N; ++b) {
    for (int64_t c = 0; c < C; ++c) {
      const size_t ci = static_cast<size_t>(c);
      const double inv_std = 1.0 / std::sqrt(static_cast<double>(var.data[ci]) + eps);
      for (int64_t i = 0; i < inner; ++i) {
        const size_t at = static_cast<size_t>((b * C + c) * inner + i);
        const double centred = static_cast<double>(x.data[at]) - mean.data[ci];
        y.data[at] = static_cast<float>(scale.data[ci] * centred * inv_std + bias.data[ci]);
      }
    }
  }
  return y;
}

}  // namespace kiln::reference::ops
