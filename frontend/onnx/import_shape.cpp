// Flatten, Reshape, Concat, Softmax and Constant.
#include <algorithm>

#include "frontend/onnx/import_ops.h"
#include "frontend/onnx/onnx_tensor.h"

namespace kiln::onnx_io {

void convert_flatten(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only({"axis"});
  Node* x = ctx.tensor(operand(n, 0));
  ctx.define(n.output(0),
             ctx.builder().flatten(ctx.fresh_name(n.output(0)), x, a.get_int("axis", 1)));
}

void convert_reshape(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  std::vector<int64_t> shape;
  if (ctx.opset() < 5) {
    a.allow_only({"shape"});
    shape = a.get_ints("shape", {});
  } else {
    a.allow_only({"allowzero"});
    const onnx::TensorProto* s = ctx.constant(operand(n, 1));
    if (!s) throw Unsupported{"a shape computed at run time"};
    shape = int_values(*s);
    // allowzero=1 makes 0 a zero-sized dimension rather than a copy.
    if (a.get_int("allowzero", 0) != 0 && std::find(shape.begin(), shape.end(), 0) != shape.end())
      throw Unsupported{"allowzero=1 with a 0 in the shape"};
  }
  Node* x = ctx.tensor(operand(n, 0));
  ctx.define(n.output(0), add_reshape(ctx, ctx.fresh_name(n.output(0)), x, std::move(shape)));
}

void convert_concat(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only({"axis"});
  // `axis` became required in opset 4; before, it defaulted to 1.
  if (ctx.opset() >= 4 && !a.has("axis")) throw Error("attribute 'axis' is missing");
  std::vector<Node*> xs;
  for (int i = 0; i < n.input_size(); ++i) xs.push_back(ctx.tensor(operand(n, i)));
  ctx.define(n.output(0),
             ctx.builder().concat(ctx.fresh_name(n.output(0)), xs, a.get_int("axis", 1)));
}

namespace {

// Before opset 13, Softmax normalises over all of dims axis..end at once (as
// a 2-D [outer, inner] matrix). That is Kiln's single-axis softmax when the
// dims after axis are all 1; otherwise flatten, normalise, reshape back.
Node* coerced_softmax(ImportContext& ctx, const std::string& out, Node* x, int64_t axis) {
  const auto& dims = x->type().dims;
  const int rank = x->type().rank();
  if (axis < -rank || axis >= rank)
    throw Error("axis " + std::to_string(axis) + " is out of range");
  if (axis < 0) axis += rank;
  bool single = true;
  for (int i = static_cast<int>(axis) + 1; i < rank; ++i) single = single && dims[i] == 1;
  GraphBuilder& b = ctx.builder();
  if (single) return b.softmax(ctx.fresh_name(out), x, axis);
  Node* flat = b.flatten(ctx.fresh_name(out + "/2d"), x, axis);
  Node* y = b.softmax(ctx.fresh_name(out + "/softmax"), flat, 1);
  // -1 for the batch keeps the reshape right after re-batching.
  std::vector<int64_t> shape = dims;
  shape[0] = -1;
  return add_reshape(ctx, ctx.fresh_name(out), y, shape);
}

}  // namespace

void convert_softmax(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only({"axis"});
  Node* x = ctx.tensor(operand(n, 0));
  const std::string& out = n.output(0);
  if (ctx.opset() >= 13) {
    ctx.define(out, ctx.builder().softmax(ctx.fresh_name(out), x, a.get_int("axis", -1)));
    return;
  }
  ctx.define(out, coerced_softmax(ctx, out, x, a.get_int("axis", 1)));
}

namespace {

onnx::TensorProto list_proto(const std::vector<double>& floats, const std::vector<int64_t>& ints,
                             bool scalar, bool is_float) {
  onnx::TensorProto t;
  const size_t count = is_float ? floats.size() : ints.size();
  if (!scalar) t.add_dims(static_cast<int64_t>(count));
  t.set_data_type(is_float ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64);
  for (double f : floats) t.add_float_data(static_cast<float>(f));
  for (int64_t i : ints) t.add_int64_data(i);
  return t;
}

}  // namespace

void convert_constant(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only({"value", "value_float", "value_floats", "value_int", "value_ints"});
  const std::string& out = n.output(0);
  if (const onnx::TensorProto* t = a.get_tensor("value")) {
    ctx.define_constant(out, t);
  } else if (a.has("value_float")) {
    ctx.define_constant(out, ctx.keep(list_proto({a.get_float("value_float", 0)}, {}, true, true)));
  } else if (a.has("value_floats")) {
    ctx.define_constant(out, ctx.keep(list_proto(a.get_floats("value_floats"), {}, false, true)));
  } else if (a.has("value_int")) {
    ctx.define_constant(out, ctx.keep(list_proto({}, {a.get_int("value_int", 0)}, true, false)));
  } else if (a.has("value_ints")) {
    ctx.define_constant(out, ctx.keep(list_proto({}, a.get_ints("value_ints", {}), false, false)));
  } else {
    throw Error("Constant has no value");
  }
}

}  // namespace kiln::onnx_io
