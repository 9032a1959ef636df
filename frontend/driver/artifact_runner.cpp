#include "frontend/driver/artifact_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "frontend/driver/input_options.h"

namespace kiln::driver {

namespace {

TensorType shape_type(const std::vector<int64_t>& dims) {
  return TensorType(dims);
}

// The artifact's inputs as input nodes, so that --input binding and seeding
// are exactly those of `kiln run MODEL`.
std::unique_ptr<Graph> input_signature(const Model& model) {
  auto g = std::make_unique<Graph>("artifact");
  for (int i = 0; i < model.num_inputs(); ++i)
    g->add_node("input", model.input_name(i), {}, {}, shape_type(model.input_shape(i)));
  return g;
}

}  // namespace

TensorMap artifact_inputs(const Model& model, const std::vector<std::string>& input_specs,
                          uint64_t seed) {
  return make_inputs(*input_signature(model), input_specs, seed, BatchAdvice::kRecompile);
}

ArtifactRun run_artifact(Model& model, const TensorMap& inputs, int threads, bool profile,
                         const std::vector<std::string>& probabilities) {
  std::vector<const float*> in_ptrs;
  for (int i = 0; i < model.num_inputs(); ++i)
    in_ptrs.push_back(inputs.at(model.input_name(i)).ptr());
  ArtifactRun result;
  std::vector<float*> out_ptrs;
  for (int i = 0; i < model.num_outputs(); ++i) {
    std::string name = model.output_name(i);
    result.outputs[name] = Tensor(shape_type(model.output_shape(i)));
    bool prob = std::find(probabilities.begin(), probabilities.end(), name) != probabilities.end();
    result.infos.push_back({name, OutputRole::main, prob});
  }
  for (int i = 0; i < model.num_outputs(); ++i)
    out_ptrs.push_back(result.outputs.at(model.output_name(i)).ptr());
  if (threads > 0) model.set_num_threads(threads);
  model.enable_profiling(profile);
  auto start = std::chrono::steady_clock::now();
  model.run(in_ptrs, out_ptrs);
  result.run_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (profile) result.profile = model.profile();
  return result;
}

void print_profile(const std::vector<StepProfile>& steps) {
  // Per-call times: the profile accumulates over every run since enabling.
  auto per_call = [](const StepProfile& s) { return s.calls ? s.seconds / s.calls : 0.0; };
  double total = 0;
  for (const auto& s : steps) total += per_call(s);
  fmt::print("{:>4}  {:>9}  {:>6}  {:>8}  {:<40}  {}\n", "#", "ms", "share", "GFLOP/s", "kernel",
             "layers");
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepProfile& s = steps[i];
    double t = per_call(s);
    double gflops = t > 0 ? s.flops / t * 1e-9 : 0;
    fmt::print("{:>4}  {:>9.3f}  {:>5.1f}%  {:>8.1f}  {:<40}  {}\n", i, t * 1e3,
               total > 0 ? 100 * t / total : 0, gflops, s.description, s.layers);
  }
  fmt::print("total {:.3f} ms in {} kernels\n", total * 1e3, steps.size());
}

}  // namespace kiln::driver
