#include "frontend/graph_stats.h"

#include <fmt/format.h>

namespace kiln {

namespace {

// The IR spells a fused activation as an attribute; only conv2d and dense
// declare it, so other ops never report one.
bool has_fused_activation(const Node& n) {
  if (!n.def().find_attr("activation")) return false;
  return n.string_attr("activation") != "none";
}

bool has_fused_residual(const Node& n) {
  return n.is("conv2d") && n.num_inputs() >= 4;
}

void count_node(const Node& n, GraphStats& s) {
  ++s.nodes;
  ++s.op_counts[n.op()];
  if (!fused_ops(n).empty()) ++s.fused_counts[fused_label(n)];
  if (n.is("weight")) {
    s.parameters += n.type().num_elements();
    s.parameter_bytes += n.type().size_bytes();
    return;
  }
  if (n.def().flops) s.flops += n.def().flops(n);
  int64_t bytes = n.type().size_bytes();
  s.activation_bytes += bytes;
  if (s.largest_activation.empty() || bytes > s.largest_activation_type.size_bytes()) {
    s.largest_activation = n.name();
    s.largest_activation_type = n.type();
  }
}

}  // namespace

GraphStats compute_graph_stats(const Graph& g) {
  GraphStats s;
  for (const Node* n : g.nodes()) count_node(*n, s);
  return s;
}

std::vector<std::string> fused_ops(const Node& n) {
  std::vector<std::string> out;
  if (has_fused_residual(n)) out.push_back("add");
  if (has_fused_activation(n)) out.push_back(n.string_attr("activation"));
  return out;
}

std::string fused_label(const Node& n) {
  std::string label = n.op();
  for (const std::string& op : fused_ops(n)) label += "+" + op;
  return label;
}

// Three significant digits without switching to exponent notation.
static std::string three_digits(double v) {
  if (v < 10) return fmt::format("{:.2f}", v);
  if (v < 100) return fmt::format("{:.1f}", v);
  return fmt::format("{:.0f}", v);
}

std::string format_count(double v) {
  static const char* const kSuffixes[] = {"", "K", "M", "G", "T"};
  int i = 0;
  while (v >= 1000 && i < 4) v /= 1000, ++i;
  if (i == 0) return fmt::format("{:g}", v);
  return three_digits(v) + kSuffixes[i];
}

std::string format_bytes(int64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int i = 0;
  while (v >= 1024 && i < 4) v /= 1024, ++i;
  if (i == 0) return fmt::format("{} B", bytes);
  return three_digits(v) + " " + kUnits[i];
}

}  // namespace kiln
