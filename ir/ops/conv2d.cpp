// conv2d: y = act(conv(x, weight) + bias + residual). NCHW input, OIHW weight
// [K, C/groups, kh, kw]. The activation and residual operand appear only
// after fuse-conv-activation; a residual requires a bias operand.
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

static TensorType infer_conv2d(const Node& n) {
  const TensorType& x = operand_type(n, 0, 4);
  const TensorType& w = operand_type(n, 1, 4);
  auto kernel = ints_of(n, "kernel", 2, 1);
  auto stride = ints_of(n, "stride", 2, 1);
  auto pad = ints_of(n, "pad", 4, 0);
  auto dilation = ints_of(n, "dilation", 2, 1);
  int64_t groups = n.int_attr("groups");
  if (groups < 1) fail("groups must be >= 1, got " + std::to_string(groups));
  int64_t C = x.dim(1), K = w.dim(0);
  if (C % groups != 0)
    fail("input channels " + std::to_string(C) + " not divisible by groups " +
         std::to_string(groups));
  if (K % groups != 0)
    fail("output channels " + std::to_string(K) + " not divisible by groups " +
         std::to_string(groups));
  if (w.dim(1) != C / groups)
    fail("weight %" + n.input(1)->name() + " " + w.str() + " needs " + std::to_string(C / groups) +
         " input channels per group (input " + x.str() + ", groups " + std::to_string(groups) +
         ")");
  if (w.dim(2) != kernel[0] || w.dim(3) != kernel[1])
    fail("weight %" + n.input(1)->name() + " " + w.str() + " does not match kernel " +
         n.attr("kernel").str());
  int64_t H =
      window_output_size(x.dim(2), kernel[0], stride[0], pad[0], pad[2], dilation[0], false);
  int64_t W =
      window_output_size(x.dim(3), kernel[1], stride[1], pad[1], pad[3], dilation[1], false);
  if (H < 1 || W < 1) fail("the window does not fit the input " + x.str());
  TensorType out({x.dim(0), K, H, W});
  if (n.num_inputs() > 2) {
    const TensorType& b = operand_type(n, 2);
    if (b.dims != std::vector<int64_t>{K})
      fail("bias %" + n.input(2)->name() + " must be f32[" + std::to_string(K) + "], got " +
           b.str());
  }
  if (n.num_inputs() > 3 && operand_type(n, 3) != out)
    fail("residual %" + n.input(3)->name() + " must be " + out.str() + ", got " +
         n.input(3)->type().str());
  check_fused_activation(n);
  return out;
}

static int64_t conv2d_flops(const Node& n) {
  const TensorType& w = n.input(1)->type();
  int64_t macs_per_output = w.dim(1) * w.dim(2) * w.dim(3);
  return 2 * n.type().num_elements() * macs_per_output;
}

void register_conv2d(std::vector<OpDef>& ops) {
  OpDef d;
  d.name = "conv2d";
  d.summary = "2-D convolution with optional bias, fused residual add and activation";
  d.operand_names = {"x", "weight", "bias", "residual"};
  d.min_inputs = 2;
  d.attrs = {
      {"kernel", AttrKind::Ints, std::nullopt, "[kh, kw]; must match the weight"},
      {"stride", AttrKind::Ints, Attr(std::vector<int64_t>{1, 1}), "[sh, sw]"},
      {"pad", AttrKind::Ints, Attr(std::vector<int64_t>{0, 0, 0, 0}), "[top, left, bottom, right]"},
      {"dilation", AttrKind::Ints, Attr(std::vector<int64_t>{1, 1}), "[dh, dw]"},
      {"groups", AttrKind::Int, Attr(int64_t{1}), "channel groups"},
  };
  add_fused_activation_attrs(d.attrs);
  d.infer = infer_conv2d;
  d.flops = conv2d_flops;
  ops.push_back(d);
}

}  // namespace kiln::ops
