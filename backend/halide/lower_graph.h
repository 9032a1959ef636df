// Lowers an optimized graph (after -O) to an execution Plan for the Halide
// backend: one kernel per remaining node (conv2d carries its fused bias,
// residual and activation), weights packed once, activations channel-blocked
// between kernels, views for flatten/reshape/dropout, Inception concats built
// in place, and arena offsets planned by liveness.
#pragma once

#include "backend/halide/execution_plan.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln::halide {

// Throws kiln::Error naming the node for anything the backend cannot run.
Plan lower_graph(const Graph& g, const WeightMap& weights, const Halide::Target& target);

}  // namespace kiln::halide
