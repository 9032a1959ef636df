// torchvision classifiers exported by PyTorch (seeded random weights, batch
// 1) import, optimise with -O (which must fuse every activation that follows
// a layer, MobileNetV2's ReLU6 Clips included), and match PyTorch's outputs
// both compiled by the Halide backend and on the reference interpreter. Each step's time is
// printed ("[ torchvision ] vgg16: reference run 16.5 s ..."). The ONNX
// files come from tests/onnx/torchvision_cache.h; without the Python
// packages the tests skip and say which package is missing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <sstream>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/lower_graph.h"
#include "backend/reference/interpreter.h"
#include "frontend/npy.h"
#include "frontend/onnx/onnx_importer.h"
#include "ir/activation.h"
#include "passes/pass_manager.h"
#include "runtime/kiln_runtime.hpp"
#include "tests/compile/compile_test_util.h"
#include "tests/onnx/onnx_test_util.h"
#include "tests/onnx/torchvision_cache.h"

namespace kiln::onnx_test {
namespace {

namespace fs = std::filesystem;

// Logits are O(1); atol covers the ones near zero, where float32
// accumulation order (PyTorch's vs Kiln's) dominates.
constexpr double kRtol = 1e-3, kAtol = 1e-4;

class Stopwatch {
 public:
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

void report(const std::string& model, const std::string& what) {
  std::cout << "[ torchvision ] " << model << ": " << what << std::endl;
}

// Compiles the optimised graph to an artifact and runs it on `input`.
Tensor run_halide(const Graph& g, const WeightMap& weights, const Tensor& input,
                  const std::string& model) {
  const testing::ArtifactDir dir("torchvision_" + model);
  halide::write_artifact(halide::lower_graph(g, weights, Halide::get_host_target()), dir.path(),
                         testing::codegen_options());
  Model compiled(dir.path());
  Tensor out(TensorType(compiled.output_shape(0)));
  compiled.run({input.ptr()}, {out.ptr()});
  return out;
}

// Activation ops whose operand is a conv2d or dense: -O should have fused them.
std::vector<std::string> unfused_activations(const Graph& g) {
  std::vector<std::string> names;
  for (const Node* n : g.nodes())
    if (activation_of_op(*n) && (n->input(0)->is("conv2d") || n->input(0)->is("dense")))
      names.push_back(n->name());
  return names;
}

class Torchvision : public ::testing::TestWithParam<std::string> {};

TEST_P(Torchvision, ImportsOptimisesRunsAndMatchesPyTorch) {
  const std::string& model = GetParam();
  const TorchvisionExport exported = ensure_torchvision_export(model);
  ASSERT_EQ(exported.failure, "");
  if (!exported.skip_reason.empty()) GTEST_SKIP() << exported.skip_reason;
  if (exported.seconds > 0)
    report(model, fmt::format("exported by PyTorch in {:.1f} s", exported.seconds));
  const fs::path dir = torchvision_cache_dir(model);

  Stopwatch clock;
  ImportedModel m = import_onnx((dir / "model.onnx").string());
  report(model, fmt::format("imported {} nodes in {:.1f} s", m.graph->size(), clock.lap()));
  ASSERT_EQ(m.graph->inputs().size(), 1u);
  ASSERT_EQ(m.graph->outputs().size(), 1u);

  PipelineOptions opt;
  opt.passes = default_pipeline();
  std::ostringstream log;
  opt.log = &log;
  run_pipeline(*m.graph, m.weights, opt);
  report(model, fmt::format("-O left {} nodes in {:.1f} s", m.graph->size(), clock.lap()));
  EXPECT_EQ(unfused_activations(*m.graph), std::vector<std::string>{});

  const Tensor input = read_npy((dir / "input.npy").string());
  const Tensor want = read_npy((dir / "output.npy").string());
  const std::string output = m.graph->outputs()[0].value->name();
  clock.lap();
  const Tensor native = run_halide(*m.graph, m.weights, input, model);
  report(model, fmt::format("halide compile + run {:.1f} s, max |diff| {:.2g}", clock.lap(),
                            max_abs_diff(native, want)));
  EXPECT_EQ(compare_tensors(native, want, kRtol, kAtol), "") << "halide backend";

  const TensorMap out =
      reference::run(*m.graph, m.weights, {{m.graph->inputs()[0]->name(), input}});
  const Tensor& got = out.at(output);
  report(model, fmt::format("reference run {:.1f} s, max |diff| {:.2g}", clock.lap(),
                            max_abs_diff(got, want)));
  EXPECT_EQ(compare_tensors(got, want, kRtol, kAtol), "") << "reference interpreter";
}

INSTANTIATE_TEST_SUITE_P(Models, Torchvision,
                         ::testing::Values("resnet18", "squeezenet1_0", "squeezenet1_1", "alexnet",
                                           "googlenet", "resnet50", "vgg16", "mobilenet_v2"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kiln::onnx_test
