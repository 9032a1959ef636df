// lrn: AlexNet's cross-channel local response normalisation, ONNX semantics:
//   y[c] = x[c] / (bias + alpha / size * sum_{c' in window(c)} x[c']^2) ^ beta
// with window(c) = [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped.
#include <cmath>

#include "ir/ops/op_helpers.h"

namespace kiln::ops {

namespace {

// ONNX puts no bounds on these, but with bias > 0 and alpha >= 0 the base
// of the power is at least bias for every input. Outside that domain it can
// reach zero or go negative on some data (after a ReLU, all-zero windows
// are common), and the result turns into inf or NaN at run time. Caffe,
// AlexNet (bias 2) and the ONNX tests (bias 1 or 2) all stay inside it.
void check_lrn_params(const Node& n) {
  const double alpha = n.float_attr("alpha"), beta = n.float_attr("beta"),
               bias = n.float_attr("bias");
  if (!std::isfinite(alpha) || !std::isfinite(beta) || !std::isfinite(bias))
    fail("alpha, beta and bias must be finite, got alpha = " + format_float(alpha) +
         ", beta = " + format_float(beta) + ", bias = " + format_float(bias));
  if (bias <= 0) fail("bias must be > 0, got " + format_float(bias));
  if (alpha < 0) fail("alpha must be >= 0, got " + format_float(alpha));
}

}  // namespace

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
  d.check = check_lrn_params;
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
