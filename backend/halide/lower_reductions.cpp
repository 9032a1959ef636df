// Whole-tensor reductions of the classifier heads: global average pooling.
#include "backend/halide/global_avg_pool_kernel.h"
#include "backend/halide/lower_ops.h"

namespace kiln::halide {

void lower_global_avg_pool(LoweringContext& cx, const Node& n) {
  const TensorType& x = n.input(0)->type();
  GlobalAvgPoolSpec s;
  s.n = static_cast<int>(x.dim(0)), s.c = static_cast<int>(x.dim(1));
  s.h = static_cast<int>(x.dim(2)), s.w = static_cast<int>(x.dim(3));
  int in = cx.value(*n.input(0), Layout::blocked);
  // The kernel writes plain [N][C], which is the bytes of plain [N, C, 1, 1].
  std::vector<int> extents = plain_extents(n.type());
  int out = cx.add_tensor(n.name(), extents);
  int out2d = cx.add_view(n.name() + ".2d", out, 0, {s.c, s.n}, {1, s.c});
  int k = cx.kernel("global_avg_pool", s, define_global_avg_pool, compile_global_avg_pool_module);
  cx.add_step(k, {in, out2d}, cx.layers_of(n), "global_avg_pool " + x.str(), s.flops());
  cx.set_value(n, out, Layout::plain);
}

}  // namespace kiln::halide
