// Relu, Clip, LeakyRelu and Sigmoid: Kiln's activation ops (ir/activation.h).
#include <limits>

#include "frontend/onnx/import_ops.h"
#include "frontend/onnx/onnx_attributes.h"
#include "frontend/onnx/onnx_tensor.h"

namespace kiln::onnx_io {

namespace {

struct ClipBounds {
  double min, max;
};

// Opsets 1 and 6 carry the bounds as attributes, defaulting to the float
// range (opset 1's consumed_inputs is a legacy optimisation hint).
ClipBounds clip_attribute_bounds(const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only({"min", "max", "consumed_inputs"});
  const double lowest = canonical_float(std::numeric_limits<float>::lowest());
  const double highest = canonical_float(std::numeric_limits<float>::max());
  return {a.get_float("min", lowest), a.get_float("max", highest)};
}

// Since opset 11 the bounds are optional inputs and an absent one is no bound.
// Kiln's clip takes them as attributes, so they must be known at import time.
double clip_input_bound(ImportContext& ctx, const onnx::NodeProto& n, int index, double absent) {
  if (!ImportContext::present(n, index)) return absent;
  const char* role = index == 1 ? "min" : "max";
  const onnx::TensorProto* t = ctx.constant(n.input(index));
  if (!t)
    throw Unsupported{std::string(role) + " '" + n.input(index) +
                      "' is computed at run time; Kiln needs constant Clip bounds (an "
                      "initializer or a Constant)"};
  return canonical_float(static_cast<float>(scalar_value(*t)));
}

}  // namespace

void convert_relu(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs(n).allow_only({});
  ctx.define(n.output(0),
             ctx.builder().relu(ctx.fresh_name(n.output(0)), ctx.tensor(operand(n, 0))));
}

void convert_clip(ImportContext& ctx, const onnx::NodeProto& n) {
  ClipBounds b;
  if (ctx.opset() < 11) {
    b = clip_attribute_bounds(n);
  } else {
    NodeAttrs(n).allow_only({});
    const double inf = std::numeric_limits<double>::infinity();
    b = {clip_input_bound(ctx, n, 1, -inf), clip_input_bound(ctx, n, 2, inf)};
  }
  Node* x = ctx.tensor(operand(n, 0));
  ctx.define(n.output(0), ctx.builder().clip(ctx.fresh_name(n.output(0)), x, b.min, b.max));
}

void convert_leaky_relu(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  // Opset 1's consumed_inputs is a legacy optimisation hint.
  a.allow_only({"alpha", "consumed_inputs"});
  const double alpha = a.get_float("alpha", canonical_float(0.01f));
  Node* x = ctx.tensor(operand(n, 0));
  ctx.define(n.output(0), ctx.builder().leaky_relu(ctx.fresh_name(n.output(0)), x, alpha));
}

void convert_sigmoid(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs(n).allow_only({"consumed_inputs"});
  ctx.define(n.output(0),
             ctx.builder().sigmoid(ctx.fresh_name(n.output(0)), ctx.tensor(operand(n, 0))));
}

}  // namespace kiln::onnx_io
