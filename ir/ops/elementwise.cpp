// Elementwise ops: add (with numpy-style broadcasting) and dropout (identity
// at inference; strip-training removes it). The activations are in
// activation_ops.cpp.
#include <algorithm>

#include "ir/ops/op_helpers.h"

namespace kiln::ops {

static TensorType same_as_input(const Node& n) {
  return operand_type(n, 0);
}

// Numpy/ONNX multidirectional broadcasting.
static TensorType infer_add(const Node& n) {
  const auto& a = operand_type(n, 0).dims;
  const auto& b = operand_type(n, 1).dims;
  size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      fail("operands " + n.input(0)->type().str() + " and " + n.input(1)->type().str() +
           " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return TensorType(out);
}

static int64_t one_per_element(const Node& n) {
  return n.type().num_elements();
}

void register_elementwise_ops(std::vector<OpDef>& ops) {
  OpDef add;
  add.name = "add";
  add.summary = "Elementwise sum with numpy broadcasting";
  add.operand_names = {"a", "b"};
  add.min_inputs = 2;
  add.infer = infer_add;
  add.flops = one_per_element;
  ops.push_back(add);

  OpDef dropout;
  dropout.name = "dropout";
  dropout.summary = "Training-time dropout; the identity at inference";
  dropout.operand_names = {"x"};
  dropout.min_inputs = 1;
  dropout.attrs = {{"ratio", AttrKind::Float, Attr(0.5), "drop probability in training"}};
  dropout.infer = same_as_input;
  dropout.check = [](const Node& n) {
    double r = n.float_attr("ratio");
    if (!(r >= 0 && r < 1)) fail("ratio must be in [0, 1), got " + format_float(r));
  };
  dropout.flops = [](const Node&) { return int64_t{0}; };
  ops.push_back(dropout);
}

}  // namespace kiln::ops
