// Shared by the end-to-end compile tests: paths, a kernel cache shared by
// every test of the build (so each kernel compiles once per build tree), and
// numeric comparisons.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/lower_graph.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "ir/tensor.h"
#include "passes/pass_manager.h"
#include "runtime/kiln_runtime.hpp"
#include "tests/scratch_dir.h"

namespace kiln::testing {

inline std::string model_path(const std::string& name) {
  return std::string(KILN_SOURCE_DIR) + "/models/" + name + ".kir";
}

inline std::string cache_dir() {
  return std::string(KILN_BINARY_DIR) + "/test-kernel-cache";
}

inline halide::CodegenOptions codegen_options() {
  halide::CodegenOptions o;
  o.cache_dir = cache_dir();
  return o;
}

// A zoo model with seeded weights, optimised by the default (-O) pipeline and lowered for
// `target` (default: the host): the plan a `kiln compile` of it would write.
inline halide::Plan lower_zoo_model(const std::string& name, halide::LowerOptions options = {},
                                    const Halide::Target& target = Halide::get_host_target()) {
  auto g = parse_graph_file(model_path(name));
  WeightMap weights = seeded_weights(*g);
  PipelineOptions opt;
  opt.passes = default_pipeline();
  std::ostringstream log;
  opt.log = &log;
  run_pipeline(*g, weights, opt);
  return halide::lower_graph(*g, weights, target, options);
}

// A fresh directory under the build tree's test-artifacts/, removed when the
// object goes: a zoo artifact holds the model's weights (VGG-16's are 550 MB),
// and with every model compiled several ways they would fill a small CI disk.
// KILN_KEEP_TEST_ARTIFACTS=1 keeps them for a look after the run.
class ArtifactDir : public ScratchDir {
 public:
  explicit ArtifactDir(const std::string& name)
      : ScratchDir((std::filesystem::path(KILN_BINARY_DIR) / "test-artifacts" / name).string(),
                   keep_requested()) {}

 private:
  static bool keep_requested() {
    const char* keep = std::getenv("KILN_KEEP_TEST_ARTIFACTS");
    return keep != nullptr && std::string(keep) == "1";
  }
};

inline TensorMap run_artifact(const std::string& dir, const TensorMap& inputs) {
  Model model(dir);
  std::vector<const float*> in;
  for (int i = 0; i < model.num_inputs(); ++i) in.push_back(inputs.at(model.input_name(i)).ptr());
  TensorMap outputs;
  std::vector<float*> out;
  for (int i = 0; i < model.num_outputs(); ++i)
    outputs[model.output_name(i)] = Tensor(TensorType(model.output_shape(i)));
  for (int i = 0; i < model.num_outputs(); ++i) out.push_back(outputs[model.output_name(i)].ptr());
  model.run(in, out);
  return outputs;
}

// max |a - b| over the tensor, relative to max |a|: the scale of the values
// a consumer of the tensor sees.
inline double max_relative_error(const Tensor& expected, const Tensor& got) {
  double scale = 0, err = 0;
  for (int64_t i = 0; i < expected.size(); ++i) {
    scale = std::max(scale, std::abs(static_cast<double>(expected.data[i])));
    err = std::max(err, std::abs(static_cast<double>(expected.data[i]) - got.data[i]));
  }
  return scale > 0 ? err / scale : err;
}

inline std::vector<int64_t> top5(const float* row, int64_t n) {
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  size_t k = std::min<size_t>(5, idx.size());
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int64_t a, int64_t b) {
    return row[a] > row[b] || (row[a] == row[b] && a < b);
  });
  idx.resize(k);
  return idx;
}

}  // namespace kiln::testing
