// Assigns arena offsets to the intermediate tensors of a Plan by liveness:
// two tensors share bytes only when no step needs both.
#pragma once

#include "backend/halide/execution_plan.h"

namespace kiln::halide {

// Sets PlanTensor::offset of every arena tensor that is not a view, and
// Plan::arena_floats / Plan::intermediate_floats. A tensor is live from the
// first step that writes it (or any view of it) to the last step that reads
// it (or any view of it). Offsets are 64-byte aligned. Greedy: tensors are
// placed largest first at the lowest offset that does not overlap a tensor
// whose live range intersects theirs.
void plan_memory(Plan& plan);

}  // namespace kiln::halide
