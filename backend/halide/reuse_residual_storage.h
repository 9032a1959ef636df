// Lets a step write its output over an input that dies there (a residual), where the kernel
// allows it (PlanStep::overwritable_input).
//
// A +residual conv reads each residual element once, in its epilogue, right before writing the
// output element at the same place. When no later step reads the residual, the output can take
// its storage: the arena shrinks by a tensor, and the kernel no longer pulls each output line
// into the cache before writing it (a read for ownership) on top of the residual line it has
// just read.
#pragma once

#include "backend/halide/execution_plan.h"

namespace kiln::halide {

// Makes the output of every step with an overwritable input a view (offset 0) of that input's
// storage where all of these hold: the input is a whole view of an arena tensor (or is one),
// of the output's extents and strides; the output is a new arena tensor; no other argument of
// the step shares that storage; and no later step reads it (directly or through a view). Run
// after the graph's outputs are bound and before plan_memory. Returns the outputs placed so.
int reuse_residual_storage(Plan& plan);

}  // namespace kiln::halide
