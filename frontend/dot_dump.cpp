#include "frontend/dot_dump.h"

#include <fmt/format.h>

#include "frontend/graph_stats.h"

namespace kiln {

namespace {

constexpr const char* kInputColor = "#d6e6f5";
constexpr const char* kFusedColor = "#fdd9a8";
constexpr const char* kAuxColor = "#888888";

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Appending, not "\"" + s: GCC 12 misreports that form under -Wrestrict.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  out += escaped(s);
  out += '"';
  return out;
}

// A weight or constant that is drawn inside its users' labels rather than as
// a node of its own; one that is itself a graph output stays visible.
bool is_folded(const Graph& g, const Node& n) {
  return (n.is("weight") || n.is("constant")) && !g.is_output(&n);
}

int64_t folded_parameters(const Graph& g, const Node& n) {
  int64_t total = 0;
  for (const Node* in : n.inputs())
    if (is_folded(g, *in)) total += in->type().num_elements();
  return total;
}

// A quoted multi-line label: Graphviz reads the two characters "\n" inside a
// quoted string as a line break, so lines are escaped first, then joined.
std::string label(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\\n") + escaped(line);
  return "\"" + out + "\"";
}

std::string node_label(const Graph& g, const Node& n) {
  std::vector<std::string> lines = {fused_label(n), "%" + n.name(), n.type().str()};
  if (int64_t params = folded_parameters(g, n)) lines.push_back("params " + format_count(params));
  return label(lines);
}

std::string node_style(const Node& n) {
  if (n.is("input"))
    return fmt::format("shape=ellipse, style=filled, fillcolor=\"{}\"", kInputColor);
  if (!fused_ops(n).empty())
    return fmt::format("style=\"rounded,filled\", fillcolor=\"{}\", penwidth=1.5", kFusedColor);
  return "";
}

std::string node_line(const Graph& g, const Node& n) {
  std::string style = node_style(n);
  return fmt::format("  {} [label={}{}];\n", quoted(n.name()), node_label(g, n),
                     style.empty() ? "" : ", " + style);
}

// Operand names on edges only where a node has several data operands (add,
// concat, a fused residual), where the picture would otherwise be ambiguous.
std::string edge_lines(const Graph& g, const Node& n) {
  std::vector<size_t> shown;
  for (size_t i = 0; i < n.num_inputs(); ++i)
    if (!is_folded(g, *n.input(i))) shown.push_back(i);
  std::string out;
  for (size_t i : shown) {
    std::string attrs;
    if (shown.size() > 1) attrs = " [label=" + quoted(n.def().operand_name(i)) + "]";
    out += fmt::format("  {} -> {}{};\n", quoted(n.input(i)->name()), quoted(n.name()), attrs);
  }
  return out;
}

std::string output_lines(const GraphOutput& o, size_t index) {
  std::string id = quoted("output " + std::to_string(index));
  std::string value = quoted(o.value->name());
  if (o.role == OutputRole::aux)
    return fmt::format(
        "  {} [label={}, shape=box, style=dashed, color=\"{}\", fontcolor=\"{}\"];\n"
        "  {} -> {} [style=dashed, color=\"{}\"];\n",
        id, label({"aux output", "%" + o.value->name()}), kAuxColor, kAuxColor, value, id,
        kAuxColor);
  return fmt::format("  {} [label={}, shape=box, style=bold, penwidth=2];\n  {} -> {};\n", id,
                     label({"output", "%" + o.value->name()}), value, id);
}

}  // namespace

std::string dump_graph_dot(const Graph& g) {
  std::string out = "digraph " + quoted(g.name()) + " {\n";
  out += "  rankdir=TB;\n";
  out += "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [color=\"#444444\", fontname=\"Helvetica\", fontsize=8];\n";
  for (const Node* n : g.nodes())
    if (!is_folded(g, *n)) out += node_line(g, *n);
  for (const Node* n : g.nodes()) out += edge_lines(g, *n);
  for (size_t i = 0; i < g.outputs().size(); ++i) out += output_lines(g.outputs()[i], i);
  return out + "}\n";
}

}  // namespace kiln
