// The graph as a Graphviz picture (`kiln dump --format=dot | dot -Tsvg`).
//
// Each node is a box labelled with its op, name and shape. Weights and inline
// constants would double the node count and push the data flow off the page,
// so they are folded into their user's label as a parameter count. Nodes
// with a fused activation or residual are filled and labelled with the fused
// chain ("conv2d+add+relu"); graph inputs are ellipses; each graph output
// gets a sink node, bold for main outputs and dashed grey for aux ones.
#pragma once

#include <string>

#include "ir/graph.h"

namespace kiln {

std::string dump_graph_dot(const Graph& g);

}  // namespace kiln
