// dense: y = act(x * weight^T + bias), x [N, in], weight [out, in].
#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

Tensor dense(const Node& n, const Operands& in, const TensorType& out) {
  const Tensor& x = *in[0];
  const Tensor& w = *in[1];
  const Tensor* bias = in.size() > 2 ? in[2] : nullptr;
  const ActivationFn act = fused_activation(n);
  const int64_t N = x.dims()[0], IN = x.dims()[1], OUT = w.dims()[0];
  Tensor y(out);
  for (int64_t i = 0; i < N; ++i) {
    for (int64_t o = 0; o < OUT; ++o) {
      double acc = bias ? bias->data[static_cast<size_t>(o)] : 0.0;
      for (int64_t j = 0; j < IN; ++j)
        acc += static_cast<double>(x.data[static_cast<size_t>(i * IN + j)]) *
               w.data[static_cast<size_t>(o * IN + j)];
      y.data[static_cast<size_t>(i * OUT + o)] = static_cast<float>(act.apply(acc));
    }
  }
  return y;
}

}  // namespace kiln::reference::ops
