#include "ir/ops/op_helpers.h"

namespace kiln::ops {

void fail(const std::string& message) {
  throw Error(message);
}

const TensorType& operand_type(const Node& n, size_t i, int rank) {
  const TensorType& t = n.input(i)->type();
  if (rank >= 0 && t.rank() != rank)
    fail(n.def().operand_name(i) + " %" + n.input(i)->name() + " must have rank " +
         std::to_string(rank) + ", got " + t.str());
  return t;
}

std::vector<int64_t> ints_of(const Node& n, const char* name, size_t count, int64_t min_value) {
  const auto& v = n.ints_attr(name);
  if (v.size() != count)
    fail(std::string("attribute '") + name + "' needs " + std::to_string(count) + " values, got " +
         std::to_string(v.size()));
  for (int64_t x : v)
    if (x < min_value)
      fail(std::string("attribute '") + name + "' values must be >= " + std::to_string(min_value) +
           ", got " + n.attr(name).str());
  return v;
}

int normalize_axis(int64_t axis, int rank, const char* what) {
  if (axis < -rank || axis >= rank)
    fail(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " +
         std::to_string(rank));
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

int64_t window_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad_lo,
                           int64_t pad_hi, int64_t dilation, bool ceil_mode) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t avail = in + pad_lo + pad_hi - span;
  if (avail < 0) return 0;
  int64_t out = (ceil_mode ? (avail + stride - 1) / stride : avail / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_lo) --out;
  return out;
}

}  // namespace kiln::ops
