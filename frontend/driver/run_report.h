// What `kiln run` prints about the outputs: name, role and shape of each, and
// for classifier outputs the top classes of every batch item.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln::driver {

struct ScoredClass {
  int64_t index;
  float score;
};

// The k highest scores of row[0, n), best first; ties keep the lower index
// first so that the report is deterministic.
std::vector<ScoredClass> top_k(const float* row, int64_t n, int k);

// A [N, classes] output with enough classes for a ranking to mean something.
bool is_classifier_output(const TensorType& t);

struct OutputInfo {
  std::string name;
  OutputRole role = OutputRole::main;
  bool probabilities = false;  // a softmax: its scores are probabilities
};
std::vector<OutputInfo> output_infos(const Graph& g);

// Outputs in the given order; `outputs` maps value names to tensors, as
// reference::run returns them.
void print_outputs(std::ostream& os, const std::vector<OutputInfo>& infos, const TensorMap& outputs,
                   int k = 5);
void print_outputs(std::ostream& os, const Graph& g, const TensorMap& outputs, int k = 5);

}  // namespace kiln::driver
