// Lowers an optimized graph (after -O) to an execution Plan for the Halide
// backend: one kernel per remaining node (conv2d carries its fused bias,
// residual and activation), weights packed once, activations channel-blocked
// between kernels, views for flatten/reshape/dropout, Inception concats built
// in place, and arena offsets planned by liveness.
#pragma once

#include "backend/halide/autoschedule.h"
#include "backend/halide/conv_algorithm.h"
#include "backend/halide/execution_plan.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln::halide {

struct LowerOptions {
  // Schedules every kernel but the output copies (see autoschedule.h).
  Scheduler scheduler = Scheduler::hand;
  // Direct or Winograd convolutions (see conv_algorithm.h).
  ConvAlgorithm conv_algorithm = ConvAlgorithm::automatic;
};

// Throws kiln::Error naming the node for anything the backend cannot run,
// and naming the scheduler when an autoscheduler plugin cannot be loaded.
Plan lower_graph(const Graph& g, const WeightMap& weights, const Halide::Target& target,
                 const LowerOptions& options = {});

}  // namespace kiln::halide
