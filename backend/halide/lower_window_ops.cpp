// Windowed ops over blocked activations: max/avg pooling and LRN.
#include "backend/halide/lower_ops.h"
#include "backend/halide/lrn_kernel.h"
#include "backend/halide/pool_kernel.h"

namespace kiln::halide {

void lower_pool2d(LoweringContext& cx, const Node& n) {
  const TensorType& x = n.input(0)->type();
  auto kernel = n.ints_attr("kernel");
  auto stride = n.ints_attr("stride");
  auto pad = n.ints_attr("pad");
  Pool2dSpec s;
  s.kind = n.is("max_pool2d") ? PoolKind::kMax : PoolKind::kAvg;
  s.n = static_cast<int>(x.dim(0)), s.c = static_cast<int>(x.dim(1));
  s.h = static_cast<int>(x.dim(2)), s.w = static_cast<int>(x.dim(3));
  s.kh = static_cast<int>(kernel[0]), s.kw = static_cast<int>(kernel[1]);
  s.sh = static_cast<int>(stride[0]), s.sw = static_cast<int>(stride[1]);
  s.pad_top = static_cast<int>(pad[0]), s.pad_left = static_cast<int>(pad[1]);
  s.pad_bottom = static_cast<int>(pad[2]), s.pad_right = static_cast<int>(pad[3]);
  s.ceil_mode = n.bool_attr("ceil_mode");
  s.count_include_pad = s.kind == PoolKind::kAvg && n.bool_attr("count_include_pad");
  int in = cx.value(*n.input(0), Layout::blocked);
  int out = cx.output_tensor(n, blocked_extents(n.type(), cx.block()));
  int k = cx.kernel(n.op(), s, define_pool2d, compile_pool2d_module);
  cx.add_step(k, {in, out}, cx.layers_of(n),
              n.op() + " " + std::to_string(s.kh) + "x" + std::to_string(s.kw) + "/" +
                  std::to_string(s.sh) + " " + x.str(),
              s.flops());
  cx.set_value(n, out, Layout::blocked);
}

void lower_lrn(LoweringContext& cx, const Node& n) {
  const TensorType& x = n.type();
  LrnSpec s;
  s.n = static_cast<int>(x.dim(0)), s.c = static_cast<int>(x.dim(1));
  s.h = static_cast<int>(x.dim(2)), s.w = static_cast<int>(x.dim(3));
  s.size = n.int_attr("size");
  s.alpha = static_cast<float>(n.float_attr("alpha"));
  s.beta = static_cast<float>(n.float_attr("beta"));
  s.bias = static_cast<float>(n.float_attr("bias"));
  int in = cx.value(*n.input(0), Layout::blocked);
  int out = cx.output_tensor(n, blocked_extents(x, cx.block()));
  int k = cx.kernel("lrn", s, define_lrn, compile_lrn_module);
  cx.add_step(k, {in, out}, cx.layers_of(n), "lrn size " + std::to_string(s.size) + " " + x.str(),
              s.flops());
  cx.set_value(n, out, Layout::blocked);
}

}  // namespace kiln::halide
