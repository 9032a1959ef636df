// dense: y = act(x * weight^T + bias), x [N, in], weight [out, in] (the
// PyTorch/ONNX Gemm transB=1 layout).
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

static TensorType infer_dense(const Node& n) {
  const TensorType& x = operand_type(n, 0, 2);
  const TensorType& w = operand_type(n, 1, 2);
  if (w.dim(1) != x.dim(1))
    fail("weight %" + n.input(1)->name() + " " + w.str() + " needs " + std::to_string(x.dim(1)) +
         " input features to match " + x.str());
  if (n.num_inputs() > 2 && operand_type(n, 2).dims != std::vector<int64_t>{w.dim(0)})
    fail("bias %" + n.input(2)->name() + " must be f32[" + std::to_string(w.dim(0)) + "], got " +
         n.input(2)->type().str());
  check_fused_activation(n);
  return TensorType({x.dim(0), w.dim(0)});
}

void register_dense(std::vector<OpDef>& ops) {
  OpDef d;
  d.name = "dense";
  d.summary = "Fully connected layer with optional bias and fused activation";
  d.operand_names = {"x", "weight", "bias"};
  d.min_inputs = 2;
  add_fused_activation_attrs(d.attrs);
  d.infer = infer_dense;
  d.flops = [](const Node& n) { return 2 * n.type().num_elements() * n.input(1)->type().dim(1); };
  ops.push_back(d);
}

}  // namespace kiln::ops
