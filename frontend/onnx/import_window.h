// Window geometry shared by Conv, MaxPool and AveragePool: attribute
// parsing, auto_pad, folding a preceding Pad, and running 1-D ops through
// Kiln's 2-D ops ([N,C,L] is viewed as [N,C,1,L]).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frontend/onnx/import_context.h"

namespace kiln::onnx_io {

// The data operand of a window op. A pending zero Pad before it is looked
// through: x is the unpadded value and `folded` its spatial padding in Kiln
// order [top, left, bottom, right] (all zero when there is no Pad).
struct WindowInput {
  Node* x = nullptr;  // rank 4 (lifted from rank 3 when one_d)
  bool one_d = false;
  std::vector<int64_t> folded = {0, 0, 0, 0};
  std::string pad_label;  // the folded Pad's node, "" when none

  bool has_fold() const { return !pad_label.empty(); }
  // H and W including the folded padding.
  int64_t padded(int axis) const;
};

// Kiln-order 2-D window parameters.
struct Window {
  std::vector<int64_t> kernel, stride, dilation, pad;
};

// Reads operand 0 of n, lifting 1-D data to 2-D through a reshape named
// after the node's output. Unsupported for other ranks.
WindowInput window_input(ImportContext& ctx, const onnx::NodeProto& n);

// kernel_shape (or `kernel` from a weight's dims when given), strides,
// dilations and pads/auto_pad, resolved against the (padded) input size.
Window read_window(const onnx::NodeProto& n, const WindowInput& in,
                   std::vector<int64_t> kernel_from_weight = {});

// [N,C,1,L] -> [N,C,L], named after the ONNX output.
Node* lower_to_1d(ImportContext& ctx, const std::string& onnx_out, Node* y2d);

// The node that produces the ONNX output: `make(name)` builds the 2-D op;
// for 1-D data it gets a "/2d" name and a reshape back to rank 3 takes the
// output's name.
template <typename Make>
Node* emit_window_op(ImportContext& ctx, const onnx::NodeProto& n, const WindowInput& in,
                     Make make) {
  if (!in.one_d) return make(ctx.fresh_name(n.output(0)));
  return lower_to_1d(ctx, n.output(0), make(ctx.fresh_name(n.output(0) + "/2d")));
}

}  // namespace kiln::onnx_io
