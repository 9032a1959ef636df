#include "ir/printer.h"

namespace kiln {

std::string print_node(const Node& n) {
  std::string s = "%" + n.name() + " = " + n.op() + "(";
  for (size_t i = 0; i < n.num_inputs(); ++i) s += (i ? ", %" : "%") + n.input(i)->name();
  s += ")";
  if (!n.attrs().empty()) {
    s += " {";
    bool first = true;
    for (const auto& [name, value] : n.attrs().entries()) {
      s += (first ? "" : ", ") + name + " = " + value.str();
      first = false;
    }
    s += "}";
  }
  return s + " : " + n.type().str();
}

std::string print_graph(const Graph& g) {
  std::string s = "graph @" + g.name() + " {\n";
  for (const Node* n : g.nodes()) s += "  " + print_node(*n) + "\n";
  for (const auto& o : g.outputs()) {
    s += "  output ";
    if (o.role != OutputRole::main) s += std::string(output_role_name(o.role)) + " ";
    s += "%" + o.value->name() + "\n";
  }
  return s + "}\n";
}

}  // namespace kiln
