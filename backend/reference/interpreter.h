// The reference interpreter: plain loops for every op in the registry,
// accumulating in double. It is the numeric oracle that passes and optimised
// backends are tested against, so it favours obviously correct code and
// strict input checking over speed.
#pragma once

#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln::reference {

// Evaluates one node given its operands' values (in operand order). Each
// operand must have exactly its operand node's type, and the node's recorded
// type must be what shape inference gives (call Graph::infer_shapes after
// editing a graph). `input` and `weight` nodes have no value of their own
// here: run() binds them. Throws kiln::Error naming the node on bad input.
Tensor evaluate_node(const Node& n, const std::vector<const Tensor*>& operands);

struct RunOptions {
  bool keep_all = false;
};

// Evaluates the whole graph in definition order. `weights` by weight-node
// name, `inputs` by input-node name; a missing or mis-shaped input/weight, or
// an input name the graph does not have, is a kiln::Error naming the tensor
// and the expected type. Extra weights are ignored (weight files may hold more
// than one graph uses). Returns the graph outputs by value name (every node's
// value when keep_all). Frees intermediates as soon as their last user has
// run (unless keep_all).
TensorMap run(const Graph& g, const WeightMap& weights, const TensorMap& inputs,
              const RunOptions& opts = {});

}  // namespace kiln::reference
