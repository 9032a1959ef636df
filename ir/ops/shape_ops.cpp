// Ops that only reinterpret the shape: flatten and reshape (ONNX semantics:
// in reshape, 0 copies the input dimension and -1 is inferred, so
// [0, -1] stays right at any batch size).
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

static TensorType infer_flatten(const Node& n) {
  const TensorType& x = operand_type(n, 0);
  int64_t axis = n.int_attr("axis");
  if (axis < 0) axis += x.rank();
  if (axis < 0 || axis > x.rank())
    fail("axis " + std::to_string(n.int_attr("axis")) + " is out of range for " + x.str());
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < x.rank(); ++i) (i < axis ? outer : inner) *= x.dim(i);
  return TensorType({outer, inner});
}

// The -1 entry: the input's elements over the product of the other entries.
// That product can overflow or exceed the input on a hostile shape; either
// way it cannot divide the input.
static int64_t inferred_entry(const Node& n, const TensorType& x, std::vector<int64_t> known,
                              size_t infer_at) {
  known.erase(known.begin() + static_cast<std::ptrdiff_t>(infer_at));
  const std::optional<int64_t> divisor = checked_element_count(known);
  if (!divisor || x.num_elements() % *divisor != 0)
    fail("cannot reshape " + x.str() + " to " + n.attr("shape").str());
  return x.num_elements() / *divisor;
}

static TensorType infer_reshape(const Node& n) {
  const TensorType& x = operand_type(n, 0);
  std::vector<int64_t> out = n.ints_attr("shape");
  int infer_at = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0) {
      if (static_cast<int>(i) >= x.rank())
        fail("shape entry 0 at position " + std::to_string(i) + " has no input dimension to copy");
      out[i] = x.dim(static_cast<int>(i));
    }
    if (out[i] == -1) {
      if (infer_at >= 0) fail("shape " + n.attr("shape").str() + " has more than one -1");
      infer_at = static_cast<int>(i);
      continue;
    }
    if (out[i] < 1) fail("shape " + n.attr("shape").str() + " has an invalid entry");
  }
  if (infer_at >= 0) out[infer_at] = inferred_entry(n, x, out, static_cast<size_t>(infer_at));
  TensorType t(out);
  if (checked_element_count(out) != x.num_elements())
    fail("cannot reshape " + x.str() + " (" + std::to_string(x.num_elements()) + " elements) to " +
         t.str());
  return t;
}

void register_shape_ops(std::vector<OpDef>& ops) {
  OpDef flatten;
  flatten.name = "flatten";
  flatten.summary = "Collapses to 2-D: dimensions before axis, and from axis on";
  flatten.operand_names = {"x"};
  flatten.min_inputs = 1;
  flatten.attrs = {{"axis", AttrKind::Int, Attr(int64_t{1}), "first dimension of the inner part"}};
  flatten.infer = infer_flatten;
  flatten.flops = [](const Node&) { return int64_t{0}; };
  ops.push_back(flatten);

  OpDef reshape;
  reshape.name = "reshape";
  reshape.summary = "Reinterprets the shape (0 copies a dimension, -1 infers one)";
  reshape.operand_names = {"x"};
  reshape.min_inputs = 1;
  reshape.attrs = {{"shape", AttrKind::Ints, std::nullopt, "the new shape"}};
  reshape.infer = infer_reshape;
  reshape.flops = flatten.flops;
  ops.push_back(reshape);
}

}  // namespace kiln::ops
