// Static facts about a graph for `kiln info` and the dumps: op counts,
// parameter count, FLOPs (from each OpDef's cost function) and activation
// memory. Everything is computed from the inferred types, so the numbers
// follow the batch size set on the graph.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace kiln {

struct GraphStats {
  int64_t nodes = 0;
  // Nodes per op name, and per fused spelling ("conv2d+relu") for nodes that
  // carry a fused activation or residual.
  std::map<std::string, int64_t> op_counts;
  std::map<std::string, int64_t> fused_counts;

  int64_t parameters = 0;  // elements of every `weight` node
  int64_t parameter_bytes = 0;
  int64_t flops = 0;

  // Every non-weight value's size summed: an upper bound on activation
  // memory with no buffer reuse at all.
  int64_t activation_bytes = 0;
  std::string largest_activation;  // value name, without '%'
  TensorType largest_activation_type;
};

GraphStats compute_graph_stats(const Graph& g);

// The ops folded into a node by fusion passes, in the order they apply:
// conv2d with a residual operand adds before activating, so a fully fused
// ResNet block reads {"add", "relu"}. Empty for ordinary nodes.
std::vector<std::string> fused_ops(const Node& n);
// "conv2d+add+relu", or just the op name when nothing is fused.
std::string fused_label(const Node& n);

// Human-readable magnitudes for reports: "950", "9.41K", "25.6M", "8.21G";
// bytes as "512 B", "3.06 MiB".
std::string format_count(double v);
std::string format_bytes(int64_t bytes);

}  // namespace kiln
