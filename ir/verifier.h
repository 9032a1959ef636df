// Structural and type checks on a graph. Run after parsing and, in tests,
// after every pass.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace kiln {

struct Diagnostic {
  SourceLoc loc;
  std::string node;  // value name without '%', or "" for graph-level problems
  std::string message;

  // "file:line:col: error: %node: message"; without a location just
  // "%node: message" (the driver adds "error: " to unlocated errors).
  std::string str() const;
};

// Every problem found: operand counts, attribute names and kinds, shape
// inference against declared types, dangling operands (not in the graph),
// use before definition, cycles, duplicate names, graph outputs.
std::vector<Diagnostic> verify_graph(const Graph& g);

// Throws kiln::Error listing every problem, one a line, when verify_graph
// finds any; its loc() is the first problem's.
void verify_or_throw(const Graph& g);

}  // namespace kiln
