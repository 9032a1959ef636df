// Helpers shared by several kernels.
#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference::ops {

int64_t product(const std::vector<int64_t>& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= dims[i];
  return p;
}

}  // namespace kiln::reference::ops
