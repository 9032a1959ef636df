// conv2d (with fused bias, residual and activation) onto the register-tiled
// direct kernel family or, where conv_algorithm.h chooses it, the Winograd
// family; unfolded batch_norm onto the direct family.
#include <cmath>

#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/layout.h"
#include "backend/halide/lower_ops.h"
#include "backend/halide/winograd_conv2d_kernel.h"
#include "backend/halide/winograd_transforms.h"

namespace kiln::halide {
namespace {

int dim(const TensorType& t, int d) {
  return static_cast<int>(t.dim(d));
}

Conv2dSpec conv_spec(const Node& n) {
  const TensorType& x = n.input(0)->type();
  const TensorType& w = n.input(1)->type();
  auto stride = n.ints_attr("stride");
  auto pad = n.ints_attr("pad");
  auto dilation = n.ints_attr("dilation");
  Conv2dSpec s;
  s.n = dim(x, 0), s.c = dim(x, 1), s.h = dim(x, 2), s.w = dim(x, 3);
  s.k = dim(w, 0), s.kh = dim(w, 2), s.kw = dim(w, 3);
  s.sh = static_cast<int>(stride[0]), s.sw = static_cast<int>(stride[1]);
  s.pad_top = static_cast<int>(pad[0]), s.pad_left = static_cast<int>(pad[1]);
  s.pad_bottom = static_cast<int>(pad[2]), s.pad_right = static_cast<int>(pad[3]);
  s.dh = static_cast<int>(dilation[0]), s.dw = static_cast<int>(dilation[1]);
  s.groups = static_cast<int>(n.int_attr("groups"));
  s.has_bias = n.num_inputs() > 2;
  s.has_residual = n.num_inputs() > 3;
  const ActivationFn act = fused_activation(n);
  s.activation = kernel_activation(act);
  s.activation_params = kernel_activation_params(act);
  return s;
}

// The kernel's arguments after the weights: [bias], [residual], output (created here).
void append_epilogue_args(LoweringContext& cx, const Node& n, const Conv2dSpec& s,
                          const float* bias, int residual, std::vector<int>& args) {
  const int V = cx.block();
  if (s.has_bias) {
    Halide::Buffer<float> b = pack_bias(bias, s.k, V);
    std::vector<float> data(b.data(), b.data() + b.number_of_elements());
    args.push_back(cx.add_weights(n.name() + ".bias.packed", {ceil_div(s.k, V) * V}, data));
  }
  if (s.has_residual) args.push_back(residual);
  args.push_back(cx.output_tensor(n, blocked_extents(n.type(), V)));
}

// Packs OIHW weights (and bias) into the blob and emits the step.
void emit_conv(LoweringContext& cx, const Node& n, const Conv2dSpec& s, const float* oihw,
               const float* bias, int input, int residual, const std::string& description) {
  const int V = cx.block();
  const int cg = s.c / s.groups;
  std::vector<float> packed(packed_weights_size(s.k, cg, s.kh, s.kw, V));
  repack_weights_oihw(oihw, s.k, cg, s.kh, s.kw, V, packed.data());
  std::vector<int> args{input, cx.add_weights(n.name() + ".weight.packed",
                                              {V, cg, s.kw, s.kh, ceil_div(s.k, V)}, packed)};
  append_epilogue_args(cx, n, s, bias, residual, args);
  int k = cx.kernel("conv2d", s, define_conv2d, compile_conv2d_module);
  cx.add_step(k, args, cx.layers_of(n), description, s.flops());
  if (cx.scheduler() == Scheduler::hand && conv2d_may_overwrite_residual(s, cx.target()))
    cx.plan().steps.back().overwritable_input = static_cast<int>(args.size()) - 2;
  cx.set_value(n, args.back(), Layout::blocked);
}

// Winograd: the weights are transformed (G g G^T) here, once, into the packed layout of the
// kernel's GEMM. The step's flops are the direct convolution's (direct-equivalent rates).
void emit_winograd_conv(LoweringContext& cx, const Node& n, const WinogradConv2dSpec& ws,
                        const float* oihw, const float* bias, int input, int residual,
                        const std::string& description) {
  const Conv2dSpec& s = ws.conv;
  const int V = cx.block(), alpha = ws.tile + 2;
  std::vector<float> packed(winograd_weights_size(s.k, s.c, ws.tile, V));
  pack_winograd_weights(oihw, s.k, s.c, ws.tile, V, packed.data());
  std::vector<int> args{input, cx.add_weights(n.name() + ".weight.winograd",
                                              {V, s.c, alpha, alpha, ceil_div(s.k, V)}, packed)};
  append_epilogue_args(cx, n, s, bias, residual, args);
  int k = cx.kernel("winograd_conv2d", ws, define_winograd_conv2d, compile_winograd_conv2d_module);
  const std::string m = std::to_string(ws.tile);
  cx.add_step(k, args, cx.layers_of(n), "winograd F(" + m + "x" + m + ",3x3) " + description,
              s.flops());
  cx.set_value(n, args.back(), Layout::blocked);
}

}  // namespace

void lower_conv2d(LoweringContext& cx, const Node& n) {
  Conv2dSpec s = conv_spec(n);
  const Tensor& w = cx.weight_values(*n.input(1));
  const float* bias = s.has_bias ? cx.weight_values(*n.input(2)).ptr() : nullptr;
  int residual = s.has_residual ? cx.value(*n.input(3), Layout::blocked) : -1;
  std::string desc = "conv2d " + std::to_string(s.kh) + "x" + std::to_string(s.kw) + "/" +
                     std::to_string(s.sh) + " " + std::to_string(s.c) + "->" + std::to_string(s.k) +
                     " " + std::to_string(s.h) + "x" + std::to_string(s.w) +
                     (s.groups > 1 ? " g" + std::to_string(s.groups) : "") +
                     (s.has_residual ? " +res" : "") + activation_description(fused_activation(n));
  const ConvChoice choice = choose_conv_algorithm(s, cx.conv_algorithm(), cx.scheduler());
  if (choice.winograd) {
    const int input = cx.value(*n.input(0), Layout::blocked);
    emit_winograd_conv(cx, n, {s, choice.tile}, w.ptr(), bias, input, residual, desc);
    return;
  }
  // An image stem (RGB) reads the graph's plain input directly: no conversion step, and a
  // fifth of the bytes a 16-lane blocked copy would take.
  s.plain_input = s.groups == 1 && s.c < cx.block() && cx.layout_of(*n.input(0)) == Layout::plain;
  const int input = cx.value(*n.input(0), s.plain_input ? Layout::plain : Layout::blocked);
  emit_conv(cx, n, s, w.ptr(), bias, input, residual, desc);
}

void lower_batch_norm(LoweringContext& cx, const Node& n) {
  const TensorType& x = n.type();
  if (x.rank() != 4) cx.unsupported(n, "batch_norm needs a 4-D input, got " + x.str());
  const int C = dim(x, 1);
  const float* scale = cx.weight_values(*n.input(1)).ptr();
  const float* shift = cx.weight_values(*n.input(2)).ptr();
  const float* mean = cx.weight_values(*n.input(3)).ptr();
  const float* var = cx.weight_values(*n.input(4)).ptr();
  const double eps = n.float_attr("epsilon");
  std::vector<float> weight(C), bias(C);
  for (int c = 0; c < C; ++c) {
    double s = scale[c] / std::sqrt(static_cast<double>(var[c]) + eps);
    weight[c] = static_cast<float>(s);
    bias[c] = static_cast<float>(shift[c] - mean[c] * s);
  }
  Conv2dSpec s;
  s.n = dim(x, 0), s.c = C, s.h = dim(x, 2), s.w = dim(x, 3), s.k = C;
  s.groups = C;
  s.has_bias = true;
  emit_conv(cx, n, s, weight.data(), bias.data(), cx.value(*n.input(0), Layout::blocked), -1,
            "batch_norm as depthwise 1x1 " + x.str());
}

}  // namespace kiln::halide
