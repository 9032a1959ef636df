// Kiln op -> ONNX (opset 13) nodes.
#include <functional>
#include <map>

#include "frontend/onnx/export_context.h"
#include "ir/activation.h"

namespace kiln::onnx_io {

namespace {

std::vector<std::string> operand_names(const Node& n, size_t count) {
  std::vector<std::string> names;
  for (size_t i = 0; i < count && i < n.num_inputs(); ++i) names.push_back(n.input(i)->name());
  return names;
}

// One ONNX node computing `a` (not none) of `input` into `output`. Clip's
// bounds are inputs since opset 11; they become initializers named after
// the output.
void emit_activation(ExportContext& ctx, const ActivationFn& a, const std::string& input,
                     const std::string& output) {
  switch (a.kind) {
    case ActivationKind::relu:
      ctx.add_node("Relu", {input}, output);
      return;
    case ActivationKind::clip: {
      const std::string lo = ctx.add_float_scalar(output + "/min", static_cast<float>(a.min));
      const std::string hi = ctx.add_float_scalar(output + "/max", static_cast<float>(a.max));
      ctx.add_node("Clip", {input, lo, hi}, output);
      return;
    }
    case ActivationKind::leaky_relu:
      set_attr(ctx.add_node("LeakyRelu", {input}, output), "alpha", a.alpha);
      return;
    case ActivationKind::sigmoid:
      ctx.add_node("Sigmoid", {input}, output);
      return;
    case ActivationKind::none:
      break;
  }
  throw Error("no ONNX node for activation \"" + std::string(a.name()) + "\"");
}

void export_activation(ExportContext& ctx, const Node& n) {
  emit_activation(ctx, *activation_of_op(n), n.input(0)->name(), n.name());
}

// The fused tail of conv2d/dense: `+ residual` then the activation. The last
// node written takes the Kiln node's name; the ones before it get helper names.
void emit_fused(ExportContext& ctx, const Node& n, const std::string& op_type,
                const std::vector<std::string>& inputs,
                const std::function<void(onnx::NodeProto&)>& set_attrs, const Node* residual) {
  const ActivationFn act = fused_activation(n);
  const bool has_act = act.kind != ActivationKind::none;
  std::string value = residual || has_act ? ctx.helper_name(n.name() + "/" + op_type) : n.name();
  set_attrs(ctx.add_node(op_type, inputs, value));
  if (residual) {
    const std::string sum = has_act ? ctx.helper_name(n.name() + "/add") : n.name();
    ctx.add_node("Add", {value, residual->name()}, sum);
    value = sum;
  }
  if (has_act) emit_activation(ctx, act, value, n.name());
}

void export_conv2d(ExportContext& ctx, const Node& n) {
  const Node* residual = n.num_inputs() > 3 ? n.input(3) : nullptr;
  emit_fused(
      ctx, n, "Conv", operand_names(n, 3),
      [&](onnx::NodeProto& p) {
        set_attr(p, "kernel_shape", n.ints_attr("kernel"));
        set_attr(p, "strides", n.ints_attr("stride"));
        set_attr(p, "pads", n.ints_attr("pad"));  // [top, left, bottom, right] is ONNX's order
        set_attr(p, "dilations", n.ints_attr("dilation"));
        set_attr(p, "group", n.int_attr("groups"));
      },
      residual);
}

void export_dense(ExportContext& ctx, const Node& n) {
  emit_fused(
      ctx, n, "Gemm", operand_names(n, 3),
      [](onnx::NodeProto& p) { set_attr(p, "transB", int64_t{1}); }, nullptr);
}

void export_pool(ExportContext& ctx, const Node& n, const char* op_type) {
  auto& p = ctx.add_node(op_type, operand_names(n, 1), n.name());
  set_attr(p, "kernel_shape", n.ints_attr("kernel"));
  set_attr(p, "strides", n.ints_attr("stride"));
  set_attr(p, "pads", n.ints_attr("pad"));
  if (n.bool_attr("ceil_mode")) set_attr(p, "ceil_mode", int64_t{1});
  if (n.is("avg_pool2d") && n.bool_attr("count_include_pad"))
    set_attr(p, "count_include_pad", int64_t{1});
}

void export_batch_norm(ExportContext& ctx, const Node& n) {
  set_attr(ctx.add_node("BatchNormalization", operand_names(n, 5), n.name()), "epsilon",
           n.float_attr("epsilon"));
}

void export_lrn(ExportContext& ctx, const Node& n) {
  auto& p = ctx.add_node("LRN", operand_names(n, 1), n.name());
  set_attr(p, "size", n.int_attr("size"));
  set_attr(p, "alpha", n.float_attr("alpha"));
  set_attr(p, "beta", n.float_attr("beta"));
  set_attr(p, "bias", n.float_attr("bias"));
}

void export_dropout(ExportContext& ctx, const Node& n) {
  const std::string ratio =
      ctx.add_float_scalar(n.name() + "/ratio", static_cast<float>(n.float_attr("ratio")));
  ctx.add_node("Dropout", {n.input(0)->name(), ratio}, n.name());
}

void export_reshape(ExportContext& ctx, const Node& n) {
  const std::string shape = ctx.add_int64s(n.name() + "/shape", n.ints_attr("shape"));
  ctx.add_node("Reshape", {n.input(0)->name(), shape}, n.name());
}

// Ops whose ONNX form is one node with an `axis` attribute, or none.
void export_simple(ExportContext& ctx, const Node& n, const char* op_type, bool axis) {
  auto& p = ctx.add_node(op_type, operand_names(n, n.num_inputs()), n.name());
  if (axis) set_attr(p, "axis", n.int_attr("axis"));
}

using Emitter = std::function<void(ExportContext&, const Node&)>;

const std::map<std::string, Emitter>& emitters() {
  using namespace std::placeholders;
  static const std::map<std::string, Emitter> table = {
      {"conv2d", export_conv2d},
      {"dense", export_dense},
      {"batch_norm", export_batch_norm},
      {"lrn", export_lrn},
      {"dropout", export_dropout},
      {"reshape", export_reshape},
      {"max_pool2d", std::bind(export_pool, _1, _2, "MaxPool")},
      {"avg_pool2d", std::bind(export_pool, _1, _2, "AveragePool")},
      {"global_avg_pool", std::bind(export_simple, _1, _2, "GlobalAveragePool", false)},
      {"relu", export_activation},
      {"clip", export_activation},
      {"leaky_relu", export_activation},
      {"sigmoid", export_activation},
      {"add", std::bind(export_simple, _1, _2, "Add", false)},
      {"concat", std::bind(export_simple, _1, _2, "Concat", true)},
      {"flatten", std::bind(export_simple, _1, _2, "Flatten", true)},
      {"softmax", std::bind(export_simple, _1, _2, "Softmax", true)},
  };
  return table;
}

}  // namespace

bool export_node(ExportContext& ctx, const Node& n) {
  auto it = emitters().find(n.op());
  if (it == emitters().end()) return false;
  it->second(ctx, n);
  return true;
}

}  // namespace kiln::onnx_io
