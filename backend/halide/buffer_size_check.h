// Refuses, while lowering, graphs whose tensors the Halide backend cannot index
// (buffer_index_limit.h): before this check such a graph compiled (exit 0, with
// dozens of Halide warnings on a cold kernel cache, none on a warm one) and
// failed only when run, trying to map an arena of tens of gigabytes.
#pragma once

#include "backend/halide/execution_plan.h"
#include "ir/graph.h"

namespace kiln::halide {

// Throws kiln::Error at the node's location naming the first value (input,
// weight or intermediate) of more than 2^31 - 1 elements: its type, element
// count and the limit. Run before anything is lowered.
void check_graph_buffer_sizes(const Graph& g);

// The same for the lowered plan's tensors, whose layout can be larger than
// the graph value it holds (channels padded to whole blocks of Plan::block).
void check_plan_buffer_sizes(const Plan& plan);

}  // namespace kiln::halide
