// The text IR printer; frontend/parser.h reads it back. Format:
//
//   graph @resnet50 {
//     %data = input() : f32[1,3,224,224]
//     %conv1.weight = weight() : f32[64,3,7,7]
//     %conv1 = conv2d(%data, %conv1.weight) {kernel = [7, 7], stride = [2, 2], pad = [3, 3, 3, 3]}
//     : f32[1,64,112,112]
//     ...
//     output %fc
//     output aux %aux1.fc
//   }
//
// Comment lines start with '#' (they are not kept). Attributes print in the
// order they were set.
#pragma once

#include <ostream>
#include <string>

#include "ir/graph.h"

namespace kiln {

std::string print_graph(const Graph& g);
// One node, without indentation or newline.
std::string print_node(const Node& n);

}  // namespace kiln
