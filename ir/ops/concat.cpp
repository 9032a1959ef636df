// concat: joins operands along one axis (channels, for Inception).
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

static TensorType infer_concat(const Node& n) {
  const TensorType& first = operand_type(n, 0);
  int axis = normalize_axis(n.int_attr("axis"), first.rank());
  std::vector<int64_t> out = first.dims;
  out[axis] = 0;
  for (size_t i = 0; i < n.num_inputs(); ++i) {
    const TensorType& t = operand_type(n, i, first.rank());
    for (int d = 0; d < t.rank(); ++d) {
      if (d != axis && t.dim(d) != first.dim(d))
        fail("operand %" + n.input(i)->name() + " " + t.str() + " differs from " + first.str() +
             " outside axis " + std::to_string(axis));
    }
    out[axis] += t.dim(axis);
  }
  return TensorType(out);
}

void register_concat(std::vector<OpDef>& ops) {
  OpDef d;
  d.name = "concat";
  d.summary = "Concatenation along an axis";
  d.operand_names = {"x"};
  d.min_inputs = 1;
  d.variadic = true;
  d.attrs = {{"axis", AttrKind::Int, Attr(int64_t{1}), "the axis to join on"}};
  d.infer = infer_concat;
  d.flops = [](const Node&) { return int64_t{0}; };
  ops.push_back(d);
}

}  // namespace kiln::ops
