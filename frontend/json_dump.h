// The graph as JSON, for tools that should not parse the text IR:
//
//   {"name": "resnet50",
//    "nodes": [{"name": "conv1", "op": "conv2d", "inputs": ["data", "conv1.weight"],
//               "outputs": ["conv1"], "attrs": {"kernel": [7, 7], ...},
//               "shape": [1, 64, 112, 112], "output_shapes": [[1, 64, 112, 112]],
//               "dtype": "f32", "fused": ["relu"], "loc": "resnet50.kir:4:3"}, ...],
//    "outputs": [{"name": "fc", "role": "main", "shape": [1, 1000]}]}
//
// Attributes keep their kinds (ints as integers, floats as numbers, lists as
// arrays); a non-finite float, which JSON cannot spell, becomes the text IR
// string ("inf", "nan"). Only attributes set on the node appear, as in the
// text IR; the op schema (`kiln ops`) has the defaults. Keys keep the order
// above (ordered_json) so that the dump reads like the text IR.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "ir/graph.h"

namespace kiln {

nlohmann::ordered_json attr_to_json(const Attr& a);
nlohmann::ordered_json node_to_json(const Node& n);
nlohmann::ordered_json graph_to_json(const Graph& g);
// graph_to_json, indented, with a trailing newline.
std::string dump_graph_json(const Graph& g);

}  // namespace kiln
