// fold-bn: batch_norm(conv2d(x, W, b)) -> conv2d(x, W', b') with, per output
// channel k,  a = scale / sqrt(variance + epsilon),  W'[k] = a * W[k],
// b'[k] = a * (b[k] - mean[k]) + bias[k]  (b = 0 when the conv had no bias).
// The same holds for dense, whose output features are its channels. Only a
// conv whose sole use is the batch norm qualifies: another user would see the
// normalised values. Arithmetic is in double; W' and b' are new tensors.
#include <cmath>

#include "passes/pass_list.h"
#include "passes/rewrite.h"

namespace kiln::passes {

namespace {

const char* const kName = "fold-bn";

// The per-channel affine map y = a * x + shift that a batch norm applies.
struct Affine {
  std::vector<double> a, shift;
};

class FoldBatchNorm : public Pass {
 public:
  std::string name() const override { return kName; }
  std::string description() const override {
    return "fold inference batch_norm into the preceding conv2d or dense";
  }

  void run(Graph& g, PassContext& ctx) override {
    for (const std::string& name : names_with_op(g, "batch_norm")) {
      Node* n = g.find(name);
      if (std::string why = fold_problem(g, *n); !why.empty()) {
        ctx.remark(Remark::Kind::missed, kName, *n, "kept " + ref(*n) + ": " + why);
        ctx.count(kName, "batch norms kept");
        continue;
      }
      fold(g, ctx, n);
    }
  }

 private:
  static std::string fold_problem(const Graph& g, const Node& bn) {
    const Node& layer = *bn.input(0);
    if (!layer.is("conv2d") && !layer.is("dense"))
      return "its input " + ref(layer) + " is a " + layer.op() + ", not conv2d or dense";
    if (std::string why = sole_use_problem(g, layer); !why.empty()) return why;
    if (layer.string_attr("activation") != "none")
      return ref(layer) + " already applies activation \"" + layer.string_attr("activation") + "\"";
    if (layer.num_inputs() > 3) return ref(layer) + " already adds a residual";
    for (size_t i = 1; i < bn.num_inputs(); ++i)
      if (!is_parameter(*bn.input(i)))
        return "its " + bn.def().operand_name(i) + " " + ref(*bn.input(i)) + " is not a parameter";
    for (size_t i = 1; i < layer.num_inputs(); ++i)
      if (!is_parameter(*layer.input(i)))
        return "the " + layer.def().operand_name(i) + " of " + ref(layer) + ", " +
               ref(*layer.input(i)) + ", is not a parameter";
    return "";
  }

  static Affine affine_of(const PassContext& ctx, const Node& bn) {
    Tensor s0, s1, s2, s3;
    const Tensor& scale = parameter_value(ctx, kName, *bn.input(1), s0);
    const Tensor& bias = parameter_value(ctx, kName, *bn.input(2), s1);
    const Tensor& mean = parameter_value(ctx, kName, *bn.input(3), s2);
    const Tensor& var = parameter_value(ctx, kName, *bn.input(4), s3);
    const double eps = bn.float_attr("epsilon");
    Affine f;
    for (size_t k = 0; k < scale.data.size(); ++k) {
      double a = scale.data[k] / std::sqrt(static_cast<double>(var.data[k]) + eps);
      f.a.push_back(a);
      f.shift.push_back(bias.data[k] - a * mean.data[k]);
    }
    return f;
  }

  // Row k of the weight (output channel k, whatever the layout after it) scaled by a[k].
  static Tensor scaled_weight(const PassContext& ctx, const Node& w, const Affine& f) {
    Tensor scratch;
    const Tensor& src = parameter_value(ctx, kName, w, scratch);
    Tensor out(src.type);
    const size_t row = src.data.size() / f.a.size();
    for (size_t k = 0; k < f.a.size(); ++k)
      for (size_t i = k * row; i < (k + 1) * row; ++i)
        out.data[i] = static_cast<float>(src.data[i] * f.a[k]);
    return out;
  }

  static Tensor folded_bias(const PassContext& ctx, const Node* b, const Affine& f) {
    Tensor scratch;
    const Tensor* old = b ? &parameter_value(ctx, kName, *b, scratch) : nullptr;
    Tensor out(TensorType({static_cast<int64_t>(f.a.size())}));
    for (size_t k = 0; k < f.a.size(); ++k)
      out.data[k] = static_cast<float>((old ? f.a[k] * old->data[k] : 0.0) + f.shift[k]);
    return out;
  }

  static void fold(Graph& g, PassContext& ctx, Node* bn) {
    Node* layer = bn->input(0);
    Node* w = layer->input(1);
    Node* b = layer->num_inputs() > 2 ? layer->input(2) : nullptr;
    const std::string w_base = w->name() + ".folded";
    const std::string b_base = (b ? b->name() : layer->name() + ".bias") + ".folded";
    Tensor new_w, new_b;
    if (ctx.shapes_only) {
      new_w.type = w->type();
      new_b.type = TensorType({layer->type().dim(1)});
    } else {
      Affine f = affine_of(ctx, *bn);
      new_w = scaled_weight(ctx, *w, f);
      new_b = folded_bias(ctx, b, f);
    }
    Node* w2 = add_weight(g, ctx, bn, w_base, std::move(new_w));
    Node* b2 = add_weight(g, ctx, bn, b_base, std::move(new_b));
    std::vector<Node*> old_params(bn->inputs().begin() + 1, bn->inputs().end());
    old_params.push_back(w);
    if (b) old_params.push_back(b);
    ctx.remark(Remark::Kind::applied, kName, *bn, "folded " + ref(*bn) + " into " + ref(*layer));
    replace_chain(g, ctx, {layer, bn}, layer->op(), {layer->input(0), w2, b2}, layer->attrs());
    const int erased = erase_unused(g, ctx, old_params);
    ctx.count(kName, "batch norms folded");
    // Two nodes became one, besides the parameters no one uses any more.
    ctx.count(kName, "nodes removed", erased + 1);
    ctx.count(kName, "weights added", 2);
  }
};

}  // namespace

std::unique_ptr<Pass> make_fold_batch_norm() {
  return std::make_unique<FoldBatchNorm>();
}

}  // namespace kiln::passes
