// Binding a weights file to a graph: every `weight` node gets the tensor of
// the same name from a safetensors file, which must have exactly the node's
// type.
//
// Tensors in the file that no weight node names are an error by default: they
// almost always mean the file belongs to another model or variant (or a
// layer was renamed), and silently ignoring them hides that. Set
// LoadWeightsOptions::allow_extra to skip them instead (e.g. a graph whose
// auxiliary heads were stripped, loaded with the full model's weights).
#pragma once

#include <string>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln {

struct LoadWeightsOptions {
  bool allow_extra = false;
};

// Reads only the tensors the graph needs. Throws one kiln::Error, naming the
// file, that lists every missing tensor, every mis-shaped one (expected vs
// actual type) and every extra one; file corruption (truncation, bad header)
// is reported by the safetensors reader, naming the tensor.
WeightMap load_weights(const Graph& g, const std::string& path,
                       const LoadWeightsOptions& opts = {});

// The same checks for tensors already in memory; `source` names them in the
// message (a file name, "seeded weights", ...).
void check_weights(const Graph& g, const WeightMap& weights, const std::string& source,
                   const LoadWeightsOptions& opts = {});

// Writes a safetensors file.
void save_weights(const std::string& path, const WeightMap& weights);

}  // namespace kiln
