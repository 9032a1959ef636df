// softmax along one axis (ONNX opset 13 semantics).
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

void register_softmax(std::vector<OpDef>& ops) {
  OpDef d;
  d.name = "softmax";
  d.summary = "exp(x) / sum(exp(x)) along an axis";
  d.operand_names = {"x"};
  d.min_inputs = 1;
  d.attrs = {{"axis", AttrKind::Int, Attr(int64_t{1}), "the axis to normalise"}};
  d.infer = [](const Node& n) {
    const TensorType& x = operand_type(n, 0);
    normalize_axis(n.int_attr("axis"), x.rank());
    return x;
  };
  d.flops = [](const Node& n) { return 3 * n.type().num_elements(); };
  ops.push_back(d);
}

}  // namespace kiln::ops
