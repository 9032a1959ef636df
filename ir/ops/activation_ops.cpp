// Activation ops: relu, clip, leaky_relu, sigmoid (elementwise, same shape
// out as in), and the `activation` epilogue attributes conv2d and dense
// share with them (ir/activation.h).
#include <cmath>
#include <utility>

#include "ir/activation.h"
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

namespace {

TensorType same_as_input(const Node& n) {
  return operand_type(n, 0);
}
int64_t one_per_element(const Node& n) {
  return n.type().num_elements();
}

// NaN bounds would make clip's result depend on the comparison order; an
// infinite bound is how "no lower limit" reads. min > max stays valid: ONNX
// defines Clip then as max everywhere (Min(max, Max(x, min))), as PyTorch
// and NumPy compute it, and the kernels agree.
void check_clip_bounds(const Node& n) {
  const double lo = n.float_attr("min"), hi = n.float_attr("max");
  if (std::isnan(lo) || std::isnan(hi))
    fail("clip bounds must be numbers, got min = " + format_float(lo) +
         ", max = " + format_float(hi));
}

void check_alpha(const Node& n) {
  const double alpha = n.float_attr("alpha");
  if (!std::isfinite(alpha)) fail("alpha must be finite, got " + format_float(alpha));
}

OpDef activation_op(const char* name, const char* summary) {
  OpDef d;
  d.name = name;
  d.summary = summary;
  d.operand_names = {"x"};
  d.min_inputs = 1;
  d.infer = same_as_input;
  d.flops = one_per_element;
  return d;
}

// The optional parameters of a layer's epilogue and the activation each belongs to.
const std::pair<const char*, ActivationKind> kLayerParams[] = {
    {"min", ActivationKind::clip},
    {"max", ActivationKind::clip},
    {"alpha", ActivationKind::leaky_relu},
};

// Each parameter is where its activation needs it and nowhere else, so a
// layer's text says exactly what it computes.
void check_params_present(const Node& n, const ActivationFn& a) {
  for (const auto& [param, owner] : kLayerParams) {
    const bool has = n.attrs().has(param), needs = owner == a.kind;
    if (has && !needs)
      fail(std::string("attribute '") + param + "' only applies with activation \"" +
           ActivationFn{owner}.name() + "\", not \"" + a.name() + "\"");
    if (needs && !has)
      fail(std::string("activation \"") + a.name() + "\" needs attribute '" + param + "'");
  }
}

}  // namespace

void register_activation_ops(std::vector<OpDef>& ops) {
  ops.push_back(activation_op("relu", "max(x, 0)"));

  OpDef clip = activation_op("clip", "min(max(x, min), max); ReLU6 is min = 0, max = 6");
  clip.attrs = {{"min", AttrKind::Float, std::nullopt, "lower bound (-inf for none)"},
                {"max", AttrKind::Float, std::nullopt, "upper bound (inf for none)"}};
  clip.check = check_clip_bounds;
  ops.push_back(clip);

  OpDef leaky = activation_op("leaky_relu", "x < 0 ? alpha * x : x");
  leaky.attrs = {{"alpha", AttrKind::Float, std::nullopt, "slope for x < 0"}};
  leaky.check = check_alpha;
  ops.push_back(leaky);

  // exp, add and divide: counted as one operation like the others, since
  // `kiln info` compares layers, not transcendental costs.
  ops.push_back(activation_op("sigmoid", "1 / (1 + exp(-x))"));
}

void add_fused_activation_attrs(std::vector<AttrSpec>& attrs) {
  attrs.push_back({"activation", AttrKind::String, Attr("none"),
                   "fused activation: none, relu, clip, leaky_relu or sigmoid"});
  attrs.push_back({"min", AttrKind::Float, std::nullopt,
                   "clip's lower bound (activation \"clip\" only)", true});
  attrs.push_back({"max", AttrKind::Float, std::nullopt,
                   "clip's upper bound (activation \"clip\" only)", true});
  attrs.push_back({"alpha", AttrKind::Float, std::nullopt,
                   "leaky_relu's slope (activation \"leaky_relu\" only)", true});
}

void check_fused_activation(const Node& n) {
  const std::string& name = n.string_attr("activation");
  const std::optional<ActivationKind> kind = activation_kind(name);
  if (!kind) fail("unknown activation \"" + name + "\" (known: " + activation_names() + ")");
  ActivationFn a;
  a.kind = *kind;
  // Presence first: reading a missing parameter would fail with a less specific message.
  check_params_present(n, a);
  if (a.kind == ActivationKind::clip) check_clip_bounds(n);
  if (a.kind == ActivationKind::leaky_relu) check_alpha(n);
}

}  // namespace kiln::ops
