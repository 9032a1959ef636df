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
  std::string weights;  // safetensors; empty: see load_model_with_weights
  uint64_t seed = 1;
  // Tolerate tensors the graph does not use (full weights for a graph whose
  // aux heads were stripped).
  bool allow_extra_weights = false;
};

// MODEL: a .kir or .onnx file, or a zoo name.
void add_model_argument(CLI::App& app, ModelOptions& o);
// MODEL for the commands that also run compiled artifacts (`run`, `bench`).
void add_model_or_artifact_argument(CLI::App& app, ModelOptions& o);
void add_batch_option(CLI::App& app, ModelOptions& o);
void add_weight_options(CLI::App& app, ModelOptions& o);

// Directories searched for a bare zoo name, in order: $KILN_MODELS, models/
// next to the binary, and the source tree's models/ baked in at build time.
std::vector<std::string> model_search_dirs();
struct ResolvedModel {
  std::string path;
  bool from_zoo = false;  // a bare name found in a model directory
};
// MODEL as given when it names a file (or looks like a path), else
// <dir>/MODEL.kir from the first search directory holding it. Throws
// kiln::Error listing the searched directories and the models found there,
// or saying what a directory given as MODEL is (an artifact, complete or
// not; a directory hiding the zoo model of its name).
ResolvedModel resolve_model(const std::string& model);

// Parses and verifies the model, then applies --batch.
std::unique_ptr<Graph> load_model(const ModelOptions& o);
// Dimension 0 of the first input (1 when there is none), for reports.
int64_t batch_of(const Graph& g);

// A model and the weights it runs with: --weights when given, else the
// initializers of a .onnx MODEL (imported once, with the graph), else the
// file `kiln import` wrote next to the model (MODEL.safetensors), else
// weights seeded with --seed. The last two say so on stderr (seeded weights
// only for models outside the zoo, whose weights are always seeded): a user
// must never get random weights unknowingly.
struct LoadedModel {
  std::unique_ptr<Graph> graph;
  WeightMap weights;
};
LoadedModel load_model_with_weights(const ModelOptions& o);

}  // namespace kiln::driver
