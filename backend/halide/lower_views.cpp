// flatten, reshape and dropout move no data: their values are views.
#include "backend/halide/lower_ops.h"

namespace kiln::halide {

void lower_view(LoweringContext& cx, const Node& n) {
  const Node& src = *n.input(0);
  if (n.is("dropout")) {  // the identity at inference
    Layout layout = cx.layout_of(src);
    cx.set_value(n, cx.value(src, layout), layout);
    return;
  }
  // flatten and reshape reinterpret row-major NCHW. A blocked [N, C, 1, 1]
  // with whole channel blocks already is row-major [N, C] (global pooling
  // before a classifier), so it needs no conversion.
  const TensorType& in = src.type();
  bool blocked_is_plain = cx.layout_of(src) == Layout::blocked && in.rank() == 4 &&
                          in.dim(2) == 1 && in.dim(3) == 1 && in.dim(1) % cx.block() == 0;
  int base = cx.value(src, blocked_is_plain ? Layout::blocked : Layout::plain);
  std::vector<int> extents = plain_extents(n.type());
  int view = cx.add_view(n.name(), base, 0, extents, dense_strides(extents));
  cx.set_value(n, view, Layout::plain);
}

}  // namespace kiln::halide
