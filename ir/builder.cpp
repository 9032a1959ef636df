#include "ir/builder.h"

namespace kiln {

namespace {

// The checks the verifier makes before inference, because OpDef::infer may
// assume them (operand count, attribute names and kinds, required attributes).
void check_signature(const Node& n) {
  const OpDef& def = n.def();
  int count = static_cast<int>(n.num_inputs());
  int lo = def.min_inputs, hi = def.max_inputs();
  if (count < lo || (hi >= 0 && count > hi)) {
    std::string expected = hi < 0     ? "at least " + std::to_string(lo)
                           : lo == hi ? std::to_string(lo)
                                      : std::to_string(lo) + " to " + std::to_string(hi);
    throw Error(n.op() + " takes " + expected + " operand" + (hi == 1 ? "" : "s") + ", got " +
                std::to_string(count));
  }
  for (size_t i = 0; i < n.num_inputs(); ++i)
    if (!n.input(i)) throw Error(def.operand_name(i) + " is null");
  for (const auto& [name, value] : n.attrs().entries()) {
    const AttrSpec* spec = def.find_attr(name);
    if (!spec) throw Error(n.op() + " has no attribute '" + name + "'");
    if (spec->kind != value.kind())
      throw Error("attribute '" + name + "' must be " + attr_kind_name(spec->kind) + ", got " +
                  attr_kind_name(value.kind()) + " " + value.str());
  }
  for (const auto& spec : def.attrs)
    if (spec.required() && !n.attrs().has(spec.name))
      throw Error(n.op() + " needs attribute '" + spec.name + "'");
}

}  // namespace

Node* GraphBuilder::op(const std::string& op, const std::string& name, std::vector<Node*> inputs,
                       AttrMap attrs) {
  Node* n = g_.add_node(op, name, std::move(inputs), std::move(attrs));
  try {
    check_signature(*n);
    if (n->def().check) n->def().check(*n);
    n->set_type(n->def().infer(*n));
  } catch (const Error& e) {
    std::string message = "%" + name + " (" + op + "): " + e.what();
    g_.erase(n);
    throw Error(message);
  }
  return n;
}

Node* GraphBuilder::input(const std::string& name, std::vector<int64_t> dims) {
  return g_.add_node("input", name, {}, {}, TensorType(std::move(dims)));
}

Node* GraphBuilder::weight(const std::string& name, std::vector<int64_t> dims) {
  return g_.add_node("weight", name, {}, {}, TensorType(std::move(dims)));
}

Node* GraphBuilder::layer(const std::string& op_name, const std::string& name, Node* x,
                          const std::vector<Param>& params, AttrMap attrs) {
  std::vector<Node*> operands = {x};
  try {
    for (const auto& p : params) operands.push_back(weight(name + "." + p.suffix, p.dims));
    return op(op_name, name, operands, std::move(attrs));
  } catch (const Error&) {
    // Leave the graph as it was: no orphaned parameters of a failed layer.
    for (size_t i = operands.size(); i-- > 1;) g_.erase(operands[i]);
    throw;
  }
}

// The helpers below read x's shape to size the parameters, so they check it
// first; everything else is left to the op's own inference.
static void require_rank(const std::string& name, const char* op, const Node* x, int rank) {
  if (!x) throw Error("%" + name + " (" + op + "): the input is null");
  if (x->type().rank() != rank)
    throw Error("%" + name + " (" + op + "): needs a rank-" + std::to_string(rank) +
                " input, got %" + x->name() + " " + x->type().str());
}

Node* GraphBuilder::conv2d(const std::string& name, Node* x, int64_t out_channels, Size2 kernel,
                           Size2 stride, Pad4 pad, int64_t groups, bool bias, Size2 dilation) {
  require_rank(name, "conv2d", x, 4);
  if (groups < 1)
    throw Error("%" + name + " (conv2d): groups must be >= 1, got " + std::to_string(groups));
  std::vector<Param> params = {
      {"weight", {out_channels, x->type().dim(1) / groups, kernel.h, kernel.w}}};
  if (bias) params.push_back({"bias", {out_channels}});
  AttrMap attrs;
  attrs.set("kernel", kernel.vec());
  attrs.set("stride", stride.vec());
  attrs.set("pad", pad.vec());
  if (dilation.h != 1 || dilation.w != 1) attrs.set("dilation", dilation.vec());
  if (groups != 1) attrs.set("groups", groups);
  return layer("conv2d", name, x, params, std::move(attrs));
}

Node* GraphBuilder::dense(const std::string& name, Node* x, int64_t out_features, bool bias) {
  require_rank(name, "dense", x, 2);
  std::vector<Param> params = {{"weight", {out_features, x->type().dim(1)}}};
  if (bias) params.push_back({"bias", {out_features}});
  return layer("dense", name, x, params, {});
}

Node* GraphBuilder::batch_norm(const std::string& name, Node* x, double epsilon) {
  if (!x || x->type().rank() < 2)
    throw Error("%" + name + " (batch_norm): needs an input with a channel dimension");
  int64_t c = x->type().dim(1);
  AttrMap attrs;
  if (epsilon != 1e-5) attrs.set("epsilon", epsilon);
  return layer("batch_norm", name, x,
               {{"scale", {c}}, {"bias", {c}}, {"mean", {c}}, {"variance", {c}}}, std::move(attrs));
}

Node* GraphBuilder::relu(const std::string& name, Node* x) {
  return op("relu", name, {x});
}

Node* GraphBuilder::clip(const std::string& name, Node* x, double min, double max) {
  AttrMap attrs;
  attrs.set("min", min);
  attrs.set("max", max);
  return op("clip", name, {x}, std::move(attrs));
}

Node* GraphBuilder::leaky_relu(const std::string& name, Node* x, double alpha) {
  AttrMap attrs;
  attrs.set("alpha", alpha);
  return op("leaky_relu", name, {x}, std::move(attrs));
}

Node* GraphBuilder::sigmoid(const std::string& name, Node* x) {
  return op("sigmoid", name, {x});
}

Node* GraphBuilder::pool(const std::string& op_name, const std::string& name, Node* x, Size2 kernel,
                         Size2 stride, Pad4 pad, bool ceil_mode, AttrMap extra) {
  AttrMap attrs;
  attrs.set("kernel", kernel.vec());
  attrs.set("stride", stride.vec());
  attrs.set("pad", pad.vec());
  if (ceil_mode) attrs.set("ceil_mode", true);
  for (const auto& [k, v] : extra.entries()) attrs.set(k, v);
  return op(op_name, name, {x}, std::move(attrs));
}

Node* GraphBuilder::max_pool2d(const std::string& name, Node* x, Size2 kernel, Size2 stride,
                               Pad4 pad, bool ceil_mode) {
  return pool("max_pool2d", name, x, kernel, stride, pad, ceil_mode, {});
}

Node* GraphBuilder::avg_pool2d(const std::string& name, Node* x, Size2 kernel, Size2 stride,
                               Pad4 pad, bool ceil_mode, bool count_include_pad) {
  AttrMap extra;
  if (count_include_pad) extra.set("count_include_pad", true);
  return pool("avg_pool2d", name, x, kernel, stride, pad, ceil_mode, std::move(extra));
}

Node* GraphBuilder::global_avg_pool(const std::string& name, Node* x) {
  return op("global_avg_pool", name, {x});
}

Node* GraphBuilder::lrn(const std::string& name, Node* x, int64_t size, double alpha, double beta,
                        double bias) {
  // All four are written: LRN constants differ between models and
  // frameworks, so the text should not rely on defaults.
  AttrMap attrs;
  attrs.set("size", size);
  attrs.set("alpha", alpha);
  attrs.set("beta", beta);
  attrs.set("bias", bias);
  return op("lrn", name, {x}, std::move(attrs));
}

Node* GraphBuilder::concat(const std::string& name, std::vector<Node*> xs, int64_t axis) {
  AttrMap attrs;
  if (axis != 1) attrs.set("axis", axis);
  return op("concat", name, std::move(xs), std::move(attrs));
}

Node* GraphBuilder::add(const std::string& name, Node* a, Node* b) {
  return op("add", name, {a, b});
}

Node* GraphBuilder::flatten(const std::string& name, Node* x, int64_t axis) {
  AttrMap attrs;
  if (axis != 1) attrs.set("axis", axis);
  return op("flatten", name, {x}, std::move(attrs));
}

Node* GraphBuilder::dropout(const std::string& name, Node* x, double ratio) {
  AttrMap attrs;
  attrs.set("ratio", ratio);
  return op("dropout", name, {x}, std::move(attrs));
}

Node* GraphBuilder::softmax(const std::string& name, Node* x, int64_t axis) {
  AttrMap attrs;
  if (axis != 1) attrs.set("axis", axis);
  return op("softmax", name, {x}, std::move(attrs));
}

void GraphBuilder::output(Node* value, OutputRole role) {
  g_.add_output(value, role);
}

}  // namespace kiln
