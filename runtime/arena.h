// The activation arena: one zeroed allocation per loaded model, made at load time, on large
// pages where the OS allows (runtime/large_pages.h). Every intermediate tensor is an offset
// into it (the generator's liveness packing).
#pragma once

#include <cstdint>

#include "runtime/large_pages.h"

namespace kiln::rt {

class Arena {
 public:
  // Zeroed: pad lanes of blocked tensors are read by some kernels before anything writes them.
  explicit Arena(int64_t bytes) : memory_(bytes > 0 ? static_cast<size_t>(bytes) : 0) {}

  float* data() const { return static_cast<float*>(memory_.data()); }

 private:
  LargePageMemory memory_;
};

}  // namespace kiln::rt
