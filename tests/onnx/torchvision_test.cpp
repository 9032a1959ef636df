// torchvision classifiers exported by PyTorch (random weights, batch 1)
// import and run on the reference interpreter with PyTorch's outputs. The
// models come from bench/onnx/export_torchvision.py, cached under the build
// directory; without Debian's python3-torch / python3-torchvision the cache
// cannot be made and the tests skip, naming the missing package.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "backend/reference/interpreter.h"
#include "frontend/npy.h"
#include "frontend/onnx/onnx_importer.h"
#include "tests/onnx/onnx_test_util.h"

namespace kiln::onnx_test {
namespace {

namespace fs = std::filesystem;

// Logits are O(1); atol covers the ones near zero, where float32
// accumulation order (PyTorch's vs the interpreter's) dominates.
constexpr double kRtol = 1e-3, kAtol = 1e-4;

struct TorchvisionCase {
  std::string name;
  bool run;  // false: import only (VGG-16 is ~31 GFLOP on plain loops)
};

fs::path cache_dir(const std::string& model) {
  return fs::path(KILN_BINARY_DIR) / "onnx-torchvision" / model;
}

// "" when /usr/bin/python3 can import every module, else the Debian package
// of the first one it cannot.
std::string missing_python_package() {
  static const std::pair<const char*, const char*> modules[] = {
      {"numpy", "python3-numpy"},
      {"torch", "python3-torch"},
      {"torchvision", "python3-torchvision"}};
  for (const auto& [module, package] : modules) {
    const std::string cmd = std::string("/usr/bin/python3 -c 'import ") + module + "' 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) return package;
  }
  return "";
}

// Makes the cache entry when missing; returns why it cannot, or "".
std::string ensure_exported(const std::string& model) {
  if (fs::exists(cache_dir(model) / "output.npy")) return "";
  const std::string missing = missing_python_package();
  if (!missing.empty())
    return "Debian package " + missing + " is not installed (apt-get install python3-torch " +
           "python3-torchvision python3-numpy), so torchvision models cannot be exported";
  const std::string cmd = "/usr/bin/python3 " + std::string(KILN_SOURCE_DIR) +
                          "/bench/onnx/export_torchvision.py " +
                          cache_dir(model).parent_path().string() + " " + model + " >/dev/null";
  if (std::system(cmd.c_str()) != 0) return "FAILED: " + cmd;
  return "";
}

class Torchvision : public ::testing::TestWithParam<TorchvisionCase> {};

TEST_P(Torchvision, ImportsAndMatchesPyTorch) {
  const std::string& model = GetParam().name;
  const std::string problem = ensure_exported(model);
  ASSERT_EQ(problem.rfind("FAILED", 0), std::string::npos) << problem;
  if (!problem.empty()) GTEST_SKIP() << problem;

  auto start = std::chrono::steady_clock::now();
  ImportedModel m = import_onnx((cache_dir(model) / "model.onnx").string());
  std::cout << "[ torchvision ] " << model << ": imported " << m.graph->size() << " nodes in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  ASSERT_EQ(m.graph->inputs().size(), 1u);
  ASSERT_EQ(m.graph->outputs().size(), 1u);
  if (!GetParam().run) return;

  TensorMap inputs;
  inputs[m.graph->inputs()[0]->name()] = read_npy((cache_dir(model) / "input.npy").string());
  start = std::chrono::steady_clock::now();
  const TensorMap out = reference::run(*m.graph, m.weights, inputs);
  std::cout << "[ torchvision ] " << model << ": reference run "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  const Tensor& got = out.at(m.graph->outputs()[0].value->name());
  const Tensor want = read_npy((cache_dir(model) / "output.npy").string());
  std::cout << "[ torchvision ] " << model << ": max |diff| " << max_abs_diff(got, want) << "\n";
  EXPECT_EQ(compare_tensors(got, want, kRtol, kAtol), "");
}

INSTANTIATE_TEST_SUITE_P(
    Models, Torchvision,
    ::testing::Values(TorchvisionCase{"resnet18", true}, TorchvisionCase{"squeezenet1_0", true},
                      TorchvisionCase{"squeezenet1_1", true}, TorchvisionCase{"alexnet", true},
                      TorchvisionCase{"googlenet", true}, TorchvisionCase{"resnet50", true},
                      TorchvisionCase{"vgg16", false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace kiln::onnx_test
