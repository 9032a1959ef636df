// Shared by the pass tests: parsing a graph from text, running a pipeline
// with the checks the tests always want, and locating the model zoo.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "ir/graph.h"
#include "passes/pass_manager.h"

namespace kiln::test {

inline std::string zoo_path(const std::string& model) {
  return std::string(KILN_SOURCE_DIR) + "/models/" + model + ".kir";
}

// Runs `passes` with verify_each; the log is captured rather than printed.
inline PipelineResult run_passes(Graph& g, WeightMap& weights, std::vector<std::string> passes,
                                 std::ostringstream* log = nullptr) {
  PipelineOptions o;
  o.passes = std::move(passes);
  o.verify_each = true;
  std::ostringstream sink;
  o.log = log ? log : &sink;
  return run_pipeline(g, weights, o);
}

inline WeightMap seeded_weights_for_test(const Graph& g) {
  return seeded_weights(g, 5);
}

inline int count_op(const Graph& g, const std::string& op) {
  int n = 0;
  for (const Node* node : g.nodes()) n += node->is(op);
  return n;
}

}  // namespace kiln::test
