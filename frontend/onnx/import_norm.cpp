// BatchNormalization (inference form) and LRN.
#include "frontend/onnx/import_ops.h"

namespace kiln::onnx_io {

namespace {

Node* parameter(ImportContext& ctx, const onnx::NodeProto& n, int i, const char* role) {
  const std::string& name = operand(n, i);
  if (!ctx.constant(name))
    throw Unsupported{std::string(role) + " '" + name +
                      "' is computed at run time; Kiln needs a constant"};
  return ctx.tensor(name);
}

}  // namespace

void convert_batch_norm(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only({"epsilon", "momentum", "spatial", "is_test", "training_mode"});
  // spatial=0 (opsets 7-8) normalises per element rather than per channel;
  // is_test=0 (before 7) and training_mode=1 (14+) use batch statistics.
  if (a.get_int("spatial", 1) != 1) throw Unsupported{"spatial=0"};
  if (a.get_int("training_mode", 0) != 0) throw Unsupported{"training_mode=1"};
  if (ctx.opset() < 7 && a.get_int("is_test", 0) == 0)
    throw Unsupported{"is_test=0 (training mode)"};
  Node* x = ctx.tensor(operand(n, 0));
  std::vector<Node*> operands = {x, parameter(ctx, n, 1, "scale"), parameter(ctx, n, 2, "bias"),
                                 parameter(ctx, n, 3, "mean"), parameter(ctx, n, 4, "variance")};
  AttrMap attrs;
  const double epsilon = a.get_float("epsilon", 1e-5);
  if (epsilon != 1e-5) attrs.set("epsilon", epsilon);
  ctx.define(n.output(0),
             ctx.builder().op("batch_norm", ctx.fresh_name(n.output(0)), operands, attrs));
}

void convert_lrn(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only({"alpha", "beta", "bias", "size"});
  if (!a.has("size")) throw Error("attribute 'size' is missing");
  Node* x = ctx.tensor(operand(n, 0));
  if (x->type().rank() != 4)
    throw Unsupported{"rank-" + std::to_string(x->type().rank()) + " data (Kiln's lrn is 4-D)"};
  ctx.define(n.output(0), ctx.builder().lrn(ctx.fresh_name(n.output(0)), x, a.get_int("size", 0),
                                            a.get_float("alpha", 1e-4), a.get_float("beta", 0.75),
                                            a.get_float("bias", 1.0)));
}

}  // namespace kiln::onnx_io
