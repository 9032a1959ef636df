// lrn: AlexNet's cross-channel local response normalisation, ONNX semantics:
//   y[c] = x[c] / (bias + alpha / size * sum_{c' in window(c)} x[c']^2) ^ beta
// with window(c) = [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped.
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

void register_lrn(std::vector<OpDef>& ops) {
  OpDef d;
  d.name = "lrn";
  d.summary = "Local response normalisation across channels";
  d.operand_names = {"x"};
  d.min_inputs = 1;
  d.attrs = {
      {"size", AttrKind::Int, std::nullopt, "channels in the window"},
      {"alpha", AttrKind::Float, Attr(1e-4), "scale"},
      {"beta", AttrKind::Float, Attr(0.75), "exponent"},
      {"bias", AttrKind::Float, Attr(1.0), "offset"},
  };
  d.infer = [](const Node& n) {
    const TensorType& x = operand_type(n, 0, 4);
    if (n.int_attr("size") < 1)
      fail("size must be >= 1, got " + std::to_string(n.int_attr("size")));
    return x;
  };
  d.flops = [](const Node& n) { return (n.int_attr("size") * 2 + 4) * n.type().num_elements(); };
  ops.push_back(d);
}

}  // namespace kiln::ops
