// Pad: Kiln has no pad op, but a constant-mode zero Pad of the spatial
// dimensions is exactly the padding of a following Conv (or, with care, an
// AveragePool). The converter only records the Pad; the consumer folds it.
#include <algorithm>

#include "frontend/onnx/import_ops.h"
#include "frontend/onnx/onnx_tensor.h"

namespace kiln::onnx_io {

namespace {

// Opset 1 calls them `paddings`, opsets 2-10 `pads` (attributes); from
// opset 11 they are an int64 input, as is the fill value.
std::vector<int64_t> read_pads(ImportContext& ctx, const onnx::NodeProto& n, double& value) {
  NodeAttrs a(n);
  if (ctx.opset() < 11) {
    a.allow_only({"mode", "pads", "paddings", "value"});
    value = a.get_float("value", 0.0);
    return a.get_ints(a.has("paddings") ? "paddings" : "pads", {});
  }
  a.allow_only({"mode"});
  const onnx::TensorProto* pads = ctx.constant(operand(n, 1));
  if (!pads) throw Unsupported{"pads are computed at run time"};
  value = 0.0;
  if (ImportContext::present(n, 2)) {
    const onnx::TensorProto* v = ctx.constant(n.input(2));
    if (!v) throw Unsupported{"constant_value is computed at run time"};
    value = scalar_value(*v);
  }
  if (ImportContext::present(n, 3)) throw Unsupported{"the axes input"};
  return int_values(*pads);
}

}  // namespace

void convert_pad(ImportContext& ctx, const onnx::NodeProto& n) {
  const std::string mode = NodeAttrs(n).get_string("mode", "constant");
  if (mode != "constant")
    throw Unsupported{"mode \"" + mode + "\" (only zero constant padding folds)"};
  double value = 0.0;
  std::vector<int64_t> pads = read_pads(ctx, n, value);
  if (value != 0.0) throw Unsupported{"a non-zero padding value"};
  Node* x = ctx.tensor(operand(n, 0));
  const size_t rank = static_cast<size_t>(x->type().rank());
  if (pads.size() != 2 * rank)
    throw Error("pads has " + std::to_string(pads.size()) + " values for rank " +
                std::to_string(rank));
  if (rank < 3) throw Unsupported{"padding of rank-" + std::to_string(rank) + " data"};
  for (int64_t p : pads)
    if (p < 0) throw Unsupported{"negative pads (cropping)"};
  if (pads[0] || pads[1] || pads[rank] || pads[rank + 1])
    throw Unsupported{"padding of the batch or channel dimension"};
  if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; })) {
    ctx.define(n.output(0), x);
    return;
  }
  ctx.define_pad(n.output(0), PendingPad{x, std::move(pads), node_label(n)});
}

}  // namespace kiln::onnx_io
