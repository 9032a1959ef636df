// batch_norm (inference form): y = scale * (x - mean) / sqrt(var + epsilon) + bias,
// per channel (dimension 1).
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

static TensorType infer_batch_norm(const Node& n) {
  const TensorType& x = operand_type(n, 0);
  if (x.rank() < 2) fail("input must have a channel dimension, got " + x.str());
  for (size_t i = 1; i < 5; ++i) {
    if (operand_type(n, i).dims != std::vector<int64_t>{x.dim(1)})
      fail(n.def().operand_name(i) + " %" + n.input(i)->name() + " must be f32[" +
           std::to_string(x.dim(1)) + "], got " + n.input(i)->type().str());
  }
  if (!(n.float_attr("epsilon") >= 0)) fail("epsilon must be >= 0");
  return x;
}

void register_batch_norm(std::vector<OpDef>& ops) {
  OpDef d;
  d.name = "batch_norm";
  d.summary = "Batch normalisation with frozen statistics";
  d.operand_names = {"x", "scale", "bias", "mean", "variance"};
  d.min_inputs = 5;
  d.attrs = {{"epsilon", AttrKind::Float, Attr(1e-5), "added to the variance"}};
  d.infer = infer_batch_norm;
  d.flops = [](const Node& n) { return 2 * n.type().num_elements(); };
  ops.push_back(d);
}

}  // namespace kiln::ops
