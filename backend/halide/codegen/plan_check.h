// Validation of a Plan before anything is compiled, and the facts about its tensors that the
// generated tables need (roots of views, spans, graph-order shapes).
#pragma once

#include <cstdint>
#include <vector>

#include "backend/halide/execution_plan.h"

namespace kiln::halide::codegen {

struct CheckedPlan {
  std::vector<int> root;          // per tensor: the tensor owning its storage
  std::vector<int> storage;       // per tensor: the root's storage (PlanTensor::Storage)
  std::vector<int64_t> absolute;  // per tensor: offset from the start of the root's region
  std::vector<int> arity;         // per kernel: argument count of its steps, -1 if unused
};

// Floats spanned by a tensor's extents and strides (1 + sum (extent - 1) * stride).
int64_t span_floats(const PlanTensor& t);

// Graph-order (NCHW) shape of a tensor: its Halide extents reversed.
std::vector<int64_t> graph_shape(const PlanTensor& t);

// Throws std::invalid_argument("invalid plan: ...") naming the first problem: bad kernel names,
// alias cycles, tensors outside their storage, steps with bad ids or inconsistent arities,
// inputs/outputs that are not dense roots of their storage class.
CheckedPlan check_plan(const Plan& plan);

}  // namespace kiln::halide::codegen
