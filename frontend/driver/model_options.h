// MODEL, --batch, --weights and --seed: the options shared by every
// subcommand that loads a model, and the loading itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace CLI {
class App;
}

namespace kiln::driver {

struct ModelOptions {
  std::string model;    // a .kir or .onnx path, or a zoo name
  int64_t batch = 0;    // 0 keeps the batch written in the file
  std::string weights;  // safetensors; empty means seeded random weights
  uint64_t seed = 1;
  // Tolerate tensors the graph does not use (full weights for a graph whose
  // aux heads were stripped).
  bool allow_extra_weights = false;
};

void add_model_argument(CLI::App& app, ModelOptions& o);
void add_batch_option(CLI::App& app, ModelOptions& o);
void add_weight_options(CLI::App& app, ModelOptions& o);

// Directories searched for a bare zoo name, in order: $KILN_MODELS, models/
// next to the binary, and the source tree's models/ baked in at build time.
std::vector<std::string> model_search_dirs();
// MODEL as given when it names a file (or looks like a path), else
// <dir>/MODEL.kir from the first search directory holding it. Throws
// kiln::Error listing the searched directories and the models found there.
std::string resolve_model_path(const std::string& model);

// Parses and verifies the model, then applies --batch.
std::unique_ptr<Graph> load_model(const ModelOptions& o);
// Dimension 0 of the first input (1 when there is none), for reports.
int64_t batch_of(const Graph& g);

// A model and the weights it runs with: --weights when given, else the
// initializers of a .onnx MODEL (imported once, with the graph), else weights
// seeded with --seed.
struct LoadedModel {
  std::unique_ptr<Graph> graph;
  WeightMap weights;
};
LoadedModel load_model_with_weights(const ModelOptions& o);

}  // namespace kiln::driver
