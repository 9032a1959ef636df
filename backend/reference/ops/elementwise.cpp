// Elementwise ops: the activations (relu, clip, leaky_relu, sigmoid), add
// (numpy broadcasting) and dropout (the identity at inference).
#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

namespace {

// Strides of `dims` right-aligned to an output of rank `rank`; a dimension of
// size 1 (or a missing leading one) gets stride 0 so that it repeats.
std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& dims, size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  const size_t offset = rank - dims.size();
  int64_t stride = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    strides[offset + i] = dims[i] == 1 ? 0 : stride;
    stride *= dims[i];
  }
  return strides;
}

}  // namespace

Tensor activation(const Node& n, const Operands& in, const TensorType& out) {
  // find_kernel maps only activation ops here, so the optional is engaged.
  const ActivationFn f = *activation_of_op(n);
  Tensor y(out);
  for (size_t i = 0; i < y.data.size(); ++i)
    y.data[i] = static_cast<float>(f.apply(in[0]->data[i]));
  return y;
}

Tensor add(const Node&, const Operands& in, const TensorType& out) {
  const size_t rank = out.dims.size();
  const auto sa = broadcast_strides(in[0]->dims(), rank);
  const auto sb = broadcast_strides(in[1]->dims(), rank);
  Tensor y(out);
  std::vector<int64_t> index(rank, 0);
  for (size_t i = 0; i < y.data.size(); ++i) {
    int64_t ia = 0, ib = 0;
    for (size_t d = 0; d < rank; ++d) ia += index[d] * sa[d], ib += index[d] * sb[d];
    y.data[i] = static_cast<float>(static_cast<double>(in[0]->data[static_cast<size_t>(ia)]) +
                                   in[1]->data[static_cast<size_t>(ib)]);
    // Odometer increment of the row-major output index.
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out.dims[d]) break;
      index[d] = 0;
    }
  }
  return y;
}

Tensor dropout(const Node&, const Operands& in, const TensorType& out) {
  return Tensor(out, in[0]->data);
}

}  // namespace kiln::reference::ops
