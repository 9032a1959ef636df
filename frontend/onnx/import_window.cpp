#include "frontend/onnx/import_window.h"

#include "frontend/onnx/import_ops.h"

namespace kiln::onnx_io {

namespace {

std::string list(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// A 1-D attribute [v] as 2-D [fill, v].
std::vector<int64_t> as_2d(std::vector<int64_t> v, bool one_d, int64_t fill) {
  if (one_d) v.insert(v.begin(), fill);
  return v;
}

// ONNX pads [x1_begin, x2_begin, x1_end, x2_end] are Kiln's [top, left,
// bottom, right] already; 1-D [begin, end] pads only the width.
std::vector<int64_t> pads_as_2d(const std::vector<int64_t>& p, bool one_d) {
  return one_d ? std::vector<int64_t>{0, p[0], 0, p[1]} : p;
}

void require_size(const std::string& attr, const std::vector<int64_t>& v, size_t n) {
  if (v.size() != n)
    throw Error("attribute '" + attr + "' " + list(v) + " needs " + std::to_string(n) + " values");
}

// SAME_UPPER / SAME_LOWER: the output is ceil(in / stride); the odd unit of
// padding goes at the end (UPPER) or the beginning (LOWER).
void same_pads(const Window& w, int64_t in, int axis, bool lower, std::vector<int64_t>& pad) {
  const int64_t out = (in + w.stride[axis] - 1) / w.stride[axis];
  const int64_t span = (w.kernel[axis] - 1) * w.dilation[axis] + 1;
  const int64_t total = std::max<int64_t>(0, (out - 1) * w.stride[axis] + span - in);
  const int64_t small = total / 2, big = total - small;
  pad[axis] = lower ? big : small;
  pad[axis + 2] = lower ? small : big;
}

}  // namespace

int64_t WindowInput::padded(int axis) const {
  return x->type().dim(2 + axis) + folded[axis] + folded[axis + 2];
}

WindowInput window_input(ImportContext& ctx, const onnx::NodeProto& n) {
  WindowInput in;
  const std::string& name = operand(n, 0);
  std::vector<int64_t> all_pads;
  if (const PendingPad* p = ctx.pending_pad(name)) {
    in.x = p->x;
    in.pad_label = p->node_label;
    all_pads = p->pads;
  } else {
    in.x = ctx.tensor(name);
  }
  const int rank = in.x->type().rank();
  if (rank != 3 && rank != 4)
    throw Unsupported{"rank-" + std::to_string(rank) +
                      " data: Kiln's window ops are 2-D (1-D data runs as 2-D)"};
  in.one_d = rank == 3;
  if (!all_pads.empty()) {
    // Pad checked that batch and channel pads are zero.
    const size_t r = static_cast<size_t>(rank);
    std::vector<int64_t> spatial(all_pads.begin() + 2, all_pads.begin() + r);
    spatial.insert(spatial.end(), all_pads.begin() + r + 2, all_pads.end());
    in.folded = pads_as_2d(spatial, in.one_d);
  }
  if (in.one_d) in.x = add_reshape(ctx, ctx.fresh_name(n.output(0) + "/in2d"), in.x, {0, 0, 1, -1});
  return in;
}

Window read_window(const onnx::NodeProto& n, const WindowInput& in,
                   std::vector<int64_t> kernel_from_weight) {
  NodeAttrs a(n);
  const size_t r = in.one_d ? 1 : 2;
  std::vector<int64_t> kernel = a.get_ints("kernel_shape", kernel_from_weight);
  if (kernel.empty()) throw Error("attribute 'kernel_shape' is missing");
  require_size("kernel_shape", kernel, r);
  if (!kernel_from_weight.empty() && kernel != kernel_from_weight)
    throw Error("kernel_shape " + list(kernel) + " differs from the weight's " +
                list(kernel_from_weight));
  Window w;
  w.kernel = as_2d(kernel, in.one_d, 1);
  w.stride = a.get_ints("strides", std::vector<int64_t>(r, 1));
  w.dilation = a.get_ints("dilations", std::vector<int64_t>(r, 1));
  require_size("strides", w.stride, r);
  require_size("dilations", w.dilation, r);
  w.stride = as_2d(w.stride, in.one_d, 1);
  w.dilation = as_2d(w.dilation, in.one_d, 1);

  const std::string auto_pad = a.get_string("auto_pad", "NOTSET");
  if (auto_pad == "NOTSET") {
    std::vector<int64_t> pads = a.get_ints("pads", std::vector<int64_t>(2 * r, 0));
    require_size("pads", pads, 2 * r);
    for (int64_t p : pads)
      if (p < 0) throw Unsupported{"negative pads " + list(pads)};
    w.pad = pads_as_2d(pads, in.one_d);
  } else if (auto_pad == "VALID") {
    w.pad = {0, 0, 0, 0};
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    w.pad = {0, 0, 0, 0};
    for (int axis = 0; axis < 2; ++axis)
      same_pads(w, in.padded(axis), axis, auto_pad == "SAME_LOWER", w.pad);
  } else {
    throw Unsupported{"auto_pad \"" + auto_pad + "\""};
  }
  return w;
}

Node* lower_to_1d(ImportContext& ctx, const std::string& onnx_out, Node* y2d) {
  return add_reshape(ctx, ctx.fresh_name(onnx_out), y2d, {0, 0, -1});
}

}  // namespace kiln::onnx_io
