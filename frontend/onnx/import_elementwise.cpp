// Add, Sum (a chain of adds), Dropout and Identity.
#include "frontend/onnx/import_ops.h"
#include "frontend/onnx/onnx_tensor.h"

namespace kiln::onnx_io {

void convert_add(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  Node* x = ctx.tensor(operand(n, 0));
  Node* y = ctx.tensor(operand(n, 1));
  if (ctx.opset() < 7) {
    // Legacy broadcasting aligns B's dims at `axis` of A; numpy's rules
    // (Kiln's add) agree only when that is the trailing alignment.
    a.allow_only({"broadcast", "axis"});
    const int64_t trailing = x->type().rank() - y->type().rank();
    if (a.get_int("broadcast", 0) != 0 && a.has("axis") && a.get_int("axis", 0) != trailing)
      throw Unsupported{"legacy broadcast with axis " + std::to_string(a.get_int("axis", 0))};
  } else {
    a.allow_only({});
  }
  ctx.define(n.output(0), ctx.builder().add(ctx.fresh_name(n.output(0)), x, y));
}

void convert_sum(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs(n).allow_only({});
  if (n.input_size() == 0) throw Error("Sum needs at least one operand");
  if (n.input_size() == 1) {
    ctx.alias(n.output(0), n.input(0));
    return;
  }
  Node* acc = ctx.tensor(operand(n, 0));
  for (int i = 1; i < n.input_size(); ++i) {
    const bool last = i + 1 == n.input_size();
    const std::string name = last ? n.output(0) : n.output(0) + "/sum" + std::to_string(i);
    acc = ctx.builder().add(ctx.fresh_name(name), acc, ctx.tensor(operand(n, i)));
  }
  ctx.define(n.output(0), acc);
}

namespace {

// Opset 12 moved ratio and training_mode from attributes to inputs.
double dropout_ratio(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  if (ctx.opset() < 12) {
    a.allow_only({"ratio", "is_test", "seed"});
    if (ctx.opset() < 7 && a.get_int("is_test", 0) == 0)
      throw Unsupported{"is_test=0 (training mode)"};
    return a.get_float("ratio", 0.5);
  }
  a.allow_only({"seed"});
  if (ImportContext::present(n, 2)) {
    const onnx::TensorProto* training = ctx.constant(n.input(2));
    if (!training) throw Unsupported{"training_mode computed at run time"};
    if (scalar_value(*training) != 0) throw Unsupported{"training_mode=true"};
  }
  if (!ImportContext::present(n, 1)) return 0.5;
  const onnx::TensorProto* ratio = ctx.constant(n.input(1));
  if (!ratio) throw Unsupported{"ratio computed at run time"};
  return canonical_float(static_cast<float>(scalar_value(*ratio)));
}

}  // namespace

void convert_dropout(ImportContext& ctx, const onnx::NodeProto& n) {
  const double ratio = dropout_ratio(ctx, n);
  if (!(ratio >= 0 && ratio < 1))
    throw Unsupported{"ratio " + std::to_string(ratio) + " outside [0, 1)"};
  Node* x = ctx.tensor(operand(n, 0));
  ctx.define(n.output(0), ctx.builder().dropout(ctx.fresh_name(n.output(0)), x, ratio));
}

void convert_identity(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs(n).allow_only({});
  ctx.alias(n.output(0), operand(n, 0));
}

}  // namespace kiln::onnx_io
