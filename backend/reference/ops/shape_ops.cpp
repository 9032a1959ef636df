// flatten and reshape only reinterpret the shape: row-major data is unchanged,
// and shape inference has already resolved the new dims (0 and -1 included).
#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

Tensor flatten(const Node&, const Operands& in, const TensorType& out) {
  return Tensor(out, in[0]->data);
}

Tensor reshape(const Node&, const Operands& in, const TensorType& out) {
  return Tensor(out, in[0]->data);
}

}  // namespace kiln::reference::ops
