// fuse-conv-activation: folds what follows a layer into the layer itself,
//   act(conv2d(...))               -> conv2d {activation = "act", <act's attributes>}
//   act(add(conv2d(...), r))       -> conv2d(x, w, b, r) {activation = "act", ...}
//   add(conv2d(...), r)            -> conv2d(x, w, b, r)
//   act(dense(...))                -> dense {activation = "act", ...}
// where act is any activation op (relu, clip, leaky_relu, sigmoid; see
// ir/activation.h), so a backend runs one loop nest where there were two or
// three. A conv that absorbs anything gets a bias (zeros when it had none):
// the residual operand needs one, and backends then see one conv2d form.
// Every intermediate value must feed only the next node and not be a graph
// output, or another user would see the fused result instead of its own value.
#include "frontend/graph_stats.h"
#include "ir/activation.h"
#include "passes/pass_list.h"
#include "passes/rewrite.h"

namespace kiln::passes {

namespace {

const char* const kName = "fuse-conv-activation";

// Why `layer` cannot take over the activation of its consumer, or "".
std::string activation_problem(const Graph& g, const Node& layer) {
  if (std::string why = sole_use_problem(g, layer); !why.empty()) return why;
  if (layer.string_attr("activation") != "none")
    return ref(layer) + " already applies activation \"" + layer.string_attr("activation") + "\"";
  return "";
}

// Why conv `c` cannot take over `add` as its residual, or "".
std::string residual_problem(const Graph& g, const Node& c, const Node& add, const Node& other) {
  if (std::string why = activation_problem(g, c); !why.empty()) return why;
  if (c.num_inputs() > 3) return ref(c) + " already adds a residual";
  // add broadcasts; the fused residual does not.
  if (c.type() != add.type() || other.type() != add.type())
    return ref(add) + " broadcasts " + c.type().str() + " with " + other.type().str();
  return "";
}

struct ResidualMatch {
  Node* conv = nullptr;
  Node* other = nullptr;
  std::string problem;  // why no operand qualifies; "" when neither is a conv2d
};

// PyTorch's `out += identity` puts the main path first, so operand 0 is
// preferred when both operands are convolutions (a downsampling shortcut).
ResidualMatch match_residual(const Graph& g, const Node& add) {
  ResidualMatch m;
  for (size_t i = 0; i < 2; ++i) {
    Node* c = add.input(i);
    Node* other = add.input(1 - i);
    if (!c->is("conv2d")) continue;
    std::string why = residual_problem(g, *c, add, *other);
    if (why.empty()) return {c, other, ""};
    if (m.problem.empty()) m.problem = why;
  }
  return m;
}

class FuseConvActivation : public Pass {
 public:
  std::string name() const override { return kName; }
  std::string description() const override {
    return "fuse activations and residual adds into the preceding conv2d or dense";
  }

  void run(Graph& g, PassContext& ctx) override {
    // Activations first: conv + add + act must not be split by taking conv + add.
    for (const std::string& name : activation_names_in_order(g))
      if (Node* act = g.find(name); act && activation_of_op(*act)) fuse_activation(g, ctx, act);
    for (const std::string& name : names_with_op(g, "add"))
      if (Node* a = g.find(name); a && a->is("add")) fuse_add(g, ctx, a);
  }

 private:
  static void missed(PassContext& ctx, const Node& n, const std::string& why) {
    ctx.remark(Remark::Kind::missed, kName, n, "kept " + ref(n) + ": " + why);
  }

  // In graph order, so a chain like relu(clip(conv)) fuses its first activation.
  static std::vector<std::string> activation_names_in_order(const Graph& g) {
    std::vector<std::string> names;
    for (const Node* n : g.nodes())
      if (activation_of_op(*n)) names.push_back(n->name());
    return names;
  }

  void fuse_activation(Graph& g, PassContext& ctx, Node* r) {
    const ActivationFn act = *activation_of_op(*r);
    Node* p = r->input(0);
    if (p->is("conv2d") || p->is("dense")) {
      if (std::string why = activation_problem(g, *p); !why.empty()) return missed(ctx, *r, why);
      fuse(g, ctx, {p, r}, p, nullptr, act);
      return;
    }
    if (!p->is("add")) return;  // nothing to fuse into: not a candidate
    ResidualMatch m = match_residual(g, *p);
    if (!m.conv) {
      if (!m.problem.empty()) missed(ctx, *r, m.problem);
      return;
    }
    if (std::string why = sole_use_problem(g, *p); !why.empty()) return missed(ctx, *r, why);
    fuse(g, ctx, {m.conv, p, r}, m.conv, m.other, act);
  }

  void fuse_add(Graph& g, PassContext& ctx, Node* a) {
    ResidualMatch m = match_residual(g, *a);
    if (!m.conv) {
      if (!m.problem.empty()) missed(ctx, *a, m.problem);
      return;
    }
    fuse(g, ctx, {m.conv, a}, m.conv, m.other, ActivationFn{});
  }

  // Replaces `chain` (starting at `layer`) by one layer node with `residual`
  // (may be null) and `activation`.
  void fuse(Graph& g, PassContext& ctx, const std::vector<Node*>& chain, Node* layer,
            Node* residual, const ActivationFn& activation) {
    std::vector<Node*> inputs = layer->inputs();
    if (layer->is("conv2d") && inputs.size() == 2)
      inputs.push_back(zero_bias(g, ctx, *layer, chain.back()));
    if (residual) inputs.push_back(residual);
    AttrMap attrs = layer->attrs();
    // The layer had no activation (activation_problem), so this only adds.
    set_fused_activation(attrs, activation);
    std::string spelled;
    for (const Node* n : chain) spelled += (spelled.empty() ? "" : " + ") + ref(*n);
    Node* fused = replace_chain(g, ctx, chain, layer->op(), std::move(inputs), std::move(attrs));
    const std::string label = fused_label(*fused);
    ctx.remark(Remark::Kind::applied, kName, *fused, "fused " + spelled + " into " + label);
    ctx.count(kName, "fused " + label);
    ctx.count(kName, "nodes removed", static_cast<int64_t>(chain.size()) - 1);
  }

  static Node* zero_bias(Graph& g, PassContext& ctx, const Node& conv, Node* pos) {
    TensorType type({conv.type().dim(1)});
    Tensor zeros;
    zeros.type = type;
    if (!ctx.shapes_only) zeros = Tensor(type);
    ctx.count(kName, "zero biases added");
    return add_weight(g, ctx, pos, conv.name() + ".bias.zero", std::move(zeros));
  }
};

}  // namespace

std::unique_ptr<Pass> make_fuse_conv_activation() {
  return std::make_unique<FuseConvActivation>();
}

}  // namespace kiln::passes
