// constant: the only source op with a value of its own (input and weight are
// bound by run()).
#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

Tensor constant(const Node& n, const Operands&, const TensorType& out) {
  const std::vector<double>& value = n.floats_attr("value");
  Tensor y(out);
  // The op's check already matched the value count to the declared type.
  for (size_t i = 0; i < y.data.size(); ++i) y.data[i] = static_cast<float>(value[i]);
  return y;
}

}  // namespace kiln::reference::ops
