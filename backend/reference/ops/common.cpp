// Helpers shared by several kernels.
#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

Activation activation_of(const Node& n) {
  const std::string& a = n.string_attr("activation");
  if (a == "none") return Activation::none;
  if (a == "relu") return Activation::relu;
  // Shape inference rejects unknown names first; this guards a new name added
  // to the IR without a reference implementation.
  throw Error("activation \"" + a + "\" has no reference implementation");
}

double apply(Activation a, double v) {
  switch (a) {
    case Activation::none:
      return v;
    case Activation::relu:
      // Written so that NaN propagates, as in PyTorch.
      return v < 0 ? 0.0 : v;
  }
  return v;
}

int64_t product(const std::vector<int64_t>& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= dims[i];
  return p;
}

}  // namespace kiln::reference::ops
