// Channel concatenation that could not be planned in place (see
// plan_inplace_concats in lower_graph.cpp): a copying kernel.
#include "backend/halide/concat_kernel.h"
#include "backend/halide/lower_ops.h"

namespace kiln::halide {

void lower_concat(LoweringContext& cx, const Node& n) {
  const TensorType& t = n.type();
  int64_t axis = n.int_attr("axis");
  if (t.rank() != 4 || (axis != 1 && axis != -3))
    cx.unsupported(n, "concat is compiled along channels of 4-D tensors, got " + t.str() +
                          " axis " + std::to_string(axis));
  ConcatSpec s;
  s.n = static_cast<int>(t.dim(0)), s.h = static_cast<int>(t.dim(2));
  s.w = static_cast<int>(t.dim(3));
  std::vector<int> args;
  for (const Node* in : n.inputs()) {
    s.channels.push_back(static_cast<int>(in->type().dim(1)));
    args.push_back(cx.value(*in, Layout::blocked));
  }
  int out = cx.output_tensor(n, blocked_extents(t, cx.block()));
  args.push_back(out);
  int k = cx.kernel("concat", s, define_concat, compile_concat_module);
  cx.add_step(k, std::move(args), cx.layers_of(n), "concat " + t.str(), 0);
  cx.set_value(n, out, Layout::blocked);
}

}  // namespace kiln::halide
