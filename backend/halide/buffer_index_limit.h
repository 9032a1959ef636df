// Halide 14 indexes a buffer with 32-bit arithmetic unless the target has the large_buffers
// feature, which Kiln leaves off (it would put 64-bit index math in every kernel). So a buffer a
// kernel sees may hold at most 2^31 - 1 elements, and each dimension's extent * |stride| must stay
// within that too. Halide checks this only inside the kernel when it runs (and warns at compile
// time where it can prove the check will fail), long after the arena has been sized for the
// tensor: a plan must be refused before anything is compiled.
#pragma once

#include <cstdint>
#include <string>

#include "backend/halide/execution_plan.h"

namespace kiln::halide {

inline constexpr int64_t kMaxBufferElements = 2147483647;  // INT32_MAX

// "more than the 2147483647 (2^31 - 1) elements a Halide buffer can index", for messages.
std::string buffer_limit_text();

// Empty when Halide can index `t`; otherwise what breaks the limit, ready to follow the tensor's
// name: "holds 8028160000 elements" or "spans 4480000000 elements in dimension 2 (extent 20 x
// stride 224000000)". Extents below 1 are the caller's to reject.
std::string buffer_index_excess(const PlanTensor& t);

}  // namespace kiln::halide
