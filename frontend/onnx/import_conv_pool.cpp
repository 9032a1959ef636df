// Conv, MaxPool, AveragePool and GlobalAveragePool -> conv2d, max_pool2d,
// avg_pool2d and global_avg_pool (1-D data through a 2-D view).
#include "frontend/onnx/import_ops.h"
#include "frontend/onnx/import_window.h"
#include "ir/ops/op_helpers.h"

namespace kiln::onnx_io {

namespace {

bool all_ones(const std::vector<int64_t>& v) {
  for (int64_t x : v)
    if (x != 1) return false;
  return true;
}

std::vector<int64_t> add_pads(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  return {a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]};
}

// Kiln's pools take padding smaller than the window (a window wholly in the
// padding has no value to take).
void require_pad_below_kernel(const Window& w, const std::string& what) {
  if (w.pad[0] >= w.kernel[0] || w.pad[2] >= w.kernel[0] || w.pad[1] >= w.kernel[1] ||
      w.pad[3] >= w.kernel[1])
    throw Unsupported{what + " not smaller than the kernel"};
}

// The conv weight in Kiln's OIHW layout: 1-D [K, C/g, k] gains a unit height.
Node* conv_weight(ImportContext& ctx, const std::string& name, bool one_d) {
  if (!one_d) {
    if (!ctx.constant(name))
      throw Unsupported{"weight '" + name + "' is computed at run time; Kiln needs a constant"};
    return ctx.tensor(name);
  }
  Tensor w = ctx.constant_float(name, "weight");
  if (w.type.rank() != 3)
    throw Error("weight '" + name + "' " + w.type.str() + " must have rank 3");
  w.type.dims.insert(w.type.dims.begin() + 2, 1);
  return ctx.add_weight(name + "/2d", std::move(w));
}

}  // namespace

void convert_conv(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs(n).allow_only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  const WindowInput in = window_input(ctx, n);
  Node* w = conv_weight(ctx, operand(n, 1), in.one_d);
  std::vector<int64_t> kernel(w->type().dims.begin() + 2, w->type().dims.end());
  if (in.one_d) kernel.erase(kernel.begin());
  Window win = read_window(n, in, kernel);
  // Zero padding before a convolution is the convolution's own padding.
  win.pad = add_pads(win.pad, in.folded);

  std::vector<Node*> operands = {in.x, w};
  if (ImportContext::present(n, 2)) operands.push_back(ctx.tensor(n.input(2)));
  AttrMap attrs;
  attrs.set("kernel", win.kernel);
  attrs.set("stride", win.stride);
  attrs.set("pad", win.pad);
  if (!all_ones(win.dilation)) attrs.set("dilation", win.dilation);
  const int64_t group = NodeAttrs(n).get_int("group", 1);
  if (group != 1) attrs.set("groups", group);
  ctx.define(n.output(0), emit_window_op(ctx, n, in, [&](const std::string& name) {
               return ctx.builder().op("conv2d", name, operands, attrs);
             }));
}

void convert_max_pool(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only(
      {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  const WindowInput in = window_input(ctx, n);
  // Max pooling never selects its padding, whereas a Pad's zeros can win.
  if (in.has_fold())
    throw Unsupported{"zero padding cannot fold into the MaxPool that follows it", "Pad",
                      in.pad_label};
  const Window w = read_window(n, in);
  if (!all_ones(w.dilation)) throw Unsupported{"dilations other than 1 (Kiln pools have none)"};
  require_pad_below_kernel(w, "pads");
  const bool ceil_mode = a.get_int("ceil_mode", 0) != 0;
  ctx.define(n.output(0), emit_window_op(ctx, n, in, [&](const std::string& name) {
               return ctx.builder().max_pool2d(name, in.x, {w.kernel[0], w.kernel[1]},
                                               {w.stride[0], w.stride[1]},
                                               {w.pad[0], w.pad[1], w.pad[2], w.pad[3]}, ceil_mode);
             }));
}

namespace {

// A folded zero Pad's zeros are real elements to the pool: they count in the
// divisor, which is what count_include_pad does with the combined padding,
// provided the pool's own padding also counts (or is zero) and ceil_mode
// gives the same output size on both views.
void fold_into_average(const WindowInput& in, Window& w, bool& count_include_pad, bool ceil_mode) {
  const bool own_pad = w.pad != std::vector<int64_t>{0, 0, 0, 0};
  if (own_pad && !count_include_pad)
    throw Unsupported{
        "zero padding cannot fold into an AveragePool with its own padding and "
        "count_include_pad=0",
        "Pad", in.pad_label};
  for (int axis = 0; axis < 2; ++axis) {
    const int64_t raw = in.x->type().dim(2 + axis);
    const int64_t on_padded =
        ops::window_output_size(in.padded(axis), w.kernel[axis], w.stride[axis], w.pad[axis],
                                w.pad[axis + 2], 1, ceil_mode);
    const int64_t folded =
        ops::window_output_size(raw, w.kernel[axis], w.stride[axis], w.pad[axis] + in.folded[axis],
                                w.pad[axis + 2] + in.folded[axis + 2], 1, ceil_mode);
    if (on_padded != folded)
      throw Unsupported{"zero padding cannot fold into the ceil_mode AveragePool that follows it",
                        "Pad", in.pad_label};
  }
  w.pad = add_pads(w.pad, in.folded);
  count_include_pad = true;
  try {
    require_pad_below_kernel(w, "padding");
  } catch (const Unsupported& u) {
    throw Unsupported{u.reason + " after folding", "Pad", in.pad_label};
  }
}

}  // namespace

void convert_average_pool(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  a.allow_only({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  const WindowInput in = window_input(ctx, n);
  Window w = read_window(n, in);
  const bool ceil_mode = a.get_int("ceil_mode", 0) != 0;
  bool count_include_pad = a.get_int("count_include_pad", 0) != 0;
  if (in.has_fold()) fold_into_average(in, w, count_include_pad, ceil_mode);
  require_pad_below_kernel(w, "pads");
  ctx.define(n.output(0), emit_window_op(ctx, n, in, [&](const std::string& name) {
               return ctx.builder().avg_pool2d(
                   name, in.x, {w.kernel[0], w.kernel[1]}, {w.stride[0], w.stride[1]},
                   {w.pad[0], w.pad[1], w.pad[2], w.pad[3]}, ceil_mode, count_include_pad);
             }));
}

void convert_global_average_pool(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs(n).allow_only({});
  const WindowInput in = window_input(ctx, n);
  if (in.has_fold())
    throw Unsupported{"zero padding cannot fold into GlobalAveragePool", "Pad", in.pad_label};
  ctx.define(n.output(0), emit_window_op(ctx, n, in, [&](const std::string& name) {
               return ctx.builder().global_avg_pool(name, in.x);
             }));
}

}  // namespace kiln::onnx_io
