// The classifier head: dense (fully connected, fused activation) and softmax,
// both on plain row-major [N, K] tensors.
#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/dense_kernel.h"
#include "backend/halide/layout.h"
#include "backend/halide/lower_ops.h"
#include "backend/halide/softmax_kernel.h"

namespace kiln::halide {

void lower_dense(LoweringContext& cx, const Node& n) {
  const TensorType& w = n.input(1)->type();
  DenseSpec s;
  s.n = static_cast<int>(n.type().dim(0));
  s.in = static_cast<int>(w.dim(1));
  s.out = static_cast<int>(w.dim(0));
  s.has_bias = n.num_inputs() > 2;
  const ActivationFn act = fused_activation(n);
  s.activation = kernel_activation(act);
  s.activation_params = kernel_activation_params(act);
  const int V = cx.block();
  std::vector<float> packed(packed_dense_weights_size(s.out, s.in, V));
  pack_dense_weights(cx.weight_values(*n.input(1)).ptr(), s.out, s.in, V, packed.data());
  std::vector<int> args{
      cx.value(*n.input(0), Layout::plain),
      cx.add_weights(n.name() + ".weight.packed", {V, s.in, ceil_div(s.out, V)}, packed)};
  if (s.has_bias) {
    Halide::Buffer<float> b = pack_bias(cx.weight_values(*n.input(2)).ptr(), s.out, V);
    args.push_back(cx.add_weights(n.name() + ".bias.packed", {ceil_div(s.out, V) * V},
                                  std::vector<float>(b.data(), b.data() + b.number_of_elements())));
  }
  int out = cx.add_tensor(n.name(), plain_extents(n.type()));
  args.push_back(out);
  int k = cx.kernel("dense", s, define_dense, compile_dense_module);
  cx.add_step(
      k, std::move(args), cx.layers_of(n),
      "dense " + std::to_string(s.in) + "->" + std::to_string(s.out) + activation_description(act),
      s.flops());
  cx.set_value(n, out, Layout::plain);
}

void lower_softmax(LoweringContext& cx, const Node& n) {
  const TensorType& t = n.type();
  int64_t axis = n.int_attr("axis");
  if (t.rank() != 2 || (axis != 1 && axis != -1))
    cx.unsupported(n, "softmax is compiled along the last axis of a 2-D tensor, got " + t.str() +
                          " axis " + std::to_string(axis));
  SoftmaxSpec s;
  s.n = static_cast<int>(t.dim(0));
  s.k = static_cast<int>(t.dim(1));
  int in = cx.value(*n.input(0), Layout::plain);
  int out = cx.add_tensor(n.name(), plain_extents(t));
  int k = cx.kernel("softmax", s, define_softmax, compile_softmax_module);
  cx.add_step(k, {in, out}, cx.layers_of(n), "softmax " + t.str(), s.flops());
  cx.set_value(n, out, Layout::plain);
}

}  // namespace kiln::halide
