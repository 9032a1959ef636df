// Validation of a loaded plan's tables: the runtime trusts nothing in an artifact it has not
// checked, so a corrupt or foreign plan becomes an error message instead of a wild pointer.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/kiln_plan.h"

namespace kiln::rt {

// Where a tensor's elements live once views are followed to their root.
struct ResolvedTensor {
  int root = -1;       // the tensor owning the storage (itself unless a view)
  int storage = 0;     // kiln_plan_storage of the root
  int io = -1;         // index into plan.inputs / plan.outputs for input / output roots
  int64_t offset = 0;  // floats from the start of the root's region (arena, weights, io buffer)
  int64_t span = 0;    // floats covered by extents and strides
};

// Elements of a dense tensor of `shape`; throws rt::Error on overflow or a non-positive dim.
int64_t shape_elements(const int64_t* shape, int rank);

// Checks every table of `plan` (ids, ranks, aliases, bounds of every tensor within its region)
// and resolves the tensors. Throws rt::Error("malformed plan: ...") naming the first problem.
std::vector<ResolvedTensor> resolve_plan(const kiln_plan& plan);

}  // namespace kiln::rt
