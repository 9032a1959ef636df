// add and the activations (relu, clip, leaky_relu, sigmoid) that fusion left
// standalone, and the IR -> kernel activation conversion every lowering uses.
#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/eltwise_kernel.h"
#include "backend/halide/lower_ops.h"

namespace kiln::halide {
namespace {

// The eltwise kernel takes 4-D buffers: [N, C, H, W] blocked, or any other
// rank as a plain 4-D view [N, C, 1, 1] / [1, 1, 1, K]...
std::vector<int> as_nchw(const TensorType& t) {
  std::vector<int64_t> d = t.dims;
  while (d.size() < 4) d.push_back(1);
  if (d.size() > 4) {
    for (size_t i = 4; i < d.size(); ++i) d[3] *= d[i];
    d.resize(4);
  }
  return {static_cast<int>(d[0]), static_cast<int>(d[1]), static_cast<int>(d[2]),
          static_cast<int>(d[3])};
}

}  // namespace

Activation kernel_activation(const ActivationFn& f) {
  switch (f.kind) {
    case ActivationKind::none:
      return Activation::kNone;
    case ActivationKind::relu:
      return Activation::kRelu;
    case ActivationKind::clip:
      return Activation::kClip;
    case ActivationKind::leaky_relu:
      return Activation::kLeakyRelu;
    case ActivationKind::sigmoid:
      return Activation::kSigmoid;
  }
  return Activation::kNone;
}

ActivationParams kernel_activation_params(const ActivationFn& f) {
  ActivationParams p;
  if (f.kind == ActivationKind::clip) p.min = float(f.min), p.max = float(f.max);
  if (f.kind == ActivationKind::leaky_relu) p.alpha = float(f.alpha);
  return p;
}

std::string activation_description(const ActivationFn& f) {
  return f.kind == ActivationKind::none ? "" : std::string(" +") + f.name();
}

void lower_eltwise(LoweringContext& cx, const Node& n) {
  const TensorType& t = n.type();
  bool add = n.is("add");
  if (add && (n.input(0)->type() != t || n.input(1)->type() != t))
    cx.unsupported(n, "add with broadcasting (" + n.input(0)->type().str() + " + " +
                          n.input(1)->type().str() + ") has no Halide kernel");
  std::vector<int> d = as_nchw(t);
  EltwiseSpec s;
  s.op = add ? EltwiseOp::kAdd : EltwiseOp::kActivation;
  if (!add) {
    const ActivationFn f = *activation_of_op(n);
    s.activation = kernel_activation(f);
    s.activation_params = kernel_activation_params(f);
  }
  s.n = d[0], s.c = d[1], s.h = d[2], s.w = d[3];
  s.blocked = t.rank() == 4;
  Layout layout = s.blocked ? Layout::blocked : Layout::plain;
  std::vector<int> extents =
      s.blocked ? blocked_extents(t, cx.block()) : std::vector<int>{s.w, s.h, s.c, s.n};
  auto operand = [&](const Node& v) {
    int tensor = cx.value(v, layout);
    if (s.blocked) return tensor;
    return cx.add_view(v.name() + ".4d", tensor, 0, extents, dense_strides(extents));
  };
  std::vector<int> args{operand(*n.input(0))};
  if (add) args.push_back(operand(*n.input(1)));
  int out = s.blocked ? cx.output_tensor(n, extents) : cx.add_tensor(n.name(), plain_extents(t));
  args.push_back(
      s.blocked ? out : cx.add_view(n.name() + ".4d", out, 0, extents, dense_strides(extents)));
  int k = cx.kernel(n.op(), s, define_eltwise, compile_eltwise_module);
  cx.add_step(k, std::move(args), cx.layers_of(n), n.op() + " " + t.str(), s.flops());
  cx.set_value(n, out, layout);
}

}  // namespace kiln::halide
