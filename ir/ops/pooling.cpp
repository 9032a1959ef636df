// Spatial pooling over NCHW: max_pool2d, avg_pool2d and global_avg_pool.
// Padding is [top, left, bottom, right]; max pooling never selects padding;
// average pooling divides by the window size clipped to the input unless
// count_include_pad (then the window clipped to the padded input, as ONNX
// and PyTorch do in ceil mode).
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

static TensorType infer_pool(const Node& n) {
  const TensorType& x = operand_type(n, 0, 4);
  auto kernel = ints_of(n, "kernel", 2, 1);
  auto stride = ints_of(n, "stride", 2, 1);
  auto pad = ints_of(n, "pad", 4, 0);
  if (pad[0] >= kernel[0] || pad[2] >= kernel[0] || pad[1] >= kernel[1] || pad[3] >= kernel[1])
    fail("padding " + n.attr("pad").str() + " must be smaller than the kernel " +
         n.attr("kernel").str());
  bool ceil_mode = n.bool_attr("ceil_mode");
  int64_t H = window_output_size(x.dim(2), kernel[0], stride[0], pad[0], pad[2], 1, ceil_mode);
  int64_t W = window_output_size(x.dim(3), kernel[1], stride[1], pad[1], pad[3], 1, ceil_mode);
  if (H < 1 || W < 1) fail("the window does not fit the input " + x.str());
  return TensorType({x.dim(0), x.dim(1), H, W});
}

static std::vector<AttrSpec> pool_attrs() {
  return {
      {"kernel", AttrKind::Ints, std::nullopt, "[kh, kw]"},
      {"stride", AttrKind::Ints, Attr(std::vector<int64_t>{1, 1}), "[sh, sw]"},
      {"pad", AttrKind::Ints, Attr(std::vector<int64_t>{0, 0, 0, 0}), "[top, left, bottom, right]"},
      {"ceil_mode", AttrKind::Bool, Attr(false), "round the output size up"},
  };
}

static int64_t window_flops(const Node& n) {
  auto k = n.ints_attr("kernel");
  return n.type().num_elements() * k[0] * k[1];
}

void register_pooling_ops(std::vector<OpDef>& ops) {
  OpDef max_pool;
  max_pool.name = "max_pool2d";
  max_pool.summary = "Maximum over sliding windows";
  max_pool.operand_names = {"x"};
  max_pool.min_inputs = 1;
  max_pool.attrs = pool_attrs();
  max_pool.infer = infer_pool;
  max_pool.flops = window_flops;
  ops.push_back(max_pool);

  OpDef avg_pool = max_pool;
  avg_pool.name = "avg_pool2d";
  avg_pool.summary = "Average over sliding windows";
  avg_pool.attrs.push_back(
      {"count_include_pad", AttrKind::Bool, Attr(false), "divide by the padded window size"});
  ops.push_back(avg_pool);

  OpDef gap;
  gap.name = "global_avg_pool";
  gap.summary = "Average over all spatial positions: [N,C,H,W] -> [N,C,1,1]";
  gap.operand_names = {"x"};
  gap.min_inputs = 1;
  gap.infer = [](const Node& n) {
    const TensorType& x = operand_type(n, 0, 4);
    return TensorType({x.dim(0), x.dim(1), 1, 1});
  };
  gap.flops = [](const Node& n) { return n.input(0)->type().num_elements(); };
  ops.push_back(gap);
}

}  // namespace kiln::ops
