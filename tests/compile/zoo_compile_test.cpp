// Every zoo model, optimised with -O and compiled with Kiln's hand schedules,
// computes what the reference interpreter computes on the optimised graph:
// logits within 1e-4 of the largest logit, probabilities likewise, and the
// same top-5 classes. GoogLeNet, ResNet-18 and VGG-16 also with every 3x3
// stride-1 conv forced to Winograd F(4x4,3x3) (--conv-algorithm=winograd),
// to the same tolerance (see ZooCompileWinograd).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/lower_graph.h"
#include "backend/reference/interpreter.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "passes/pass_manager.h"
#include "runtime/kiln_runtime.hpp"
#include "tests/compile/compile_test_util.h"

namespace kiln {
namespace {

struct Compiled {
  TensorMap reference;
  TensorMap native;
};

// Adds the logits (the softmax's operand) as an output so that they are
// compared too, not only the probabilities that squash their differences.
void expose_logits(Graph& g) {
  std::vector<Node*> extra;
  for (const auto& o : g.outputs())
    if (o.value->is("softmax") && !g.is_output(o.value->input(0)))
      extra.push_back(o.value->input(0));
  for (Node* n : extra) g.add_output(n);
}

Compiled compile_and_run(const std::string& model, int64_t batch,
                         halide::ConvAlgorithm algorithm = halide::ConvAlgorithm::automatic) {
  auto g = parse_graph_file(testing::model_path(model));
  WeightMap weights = seeded_weights(*g);
  if (batch != 1) g->set_batch(batch);
  PipelineOptions opt;
  opt.passes = default_pipeline();
  std::ostringstream log;
  opt.log = &log;
  run_pipeline(*g, weights, opt);
  expose_logits(*g);
  TensorMap inputs;
  for (const Node* in : g->inputs()) inputs[in->name()] = seeded_input(in->type(), 1);
  Compiled c;
  c.reference = reference::run(*g, weights, inputs);
  const testing::ArtifactDir scratch("zoo_" + model + "_b" + std::to_string(batch) + "_" +
                                     halide::conv_algorithm_name(algorithm));
  const std::string& dir = scratch.path();
  halide::LowerOptions options;
  options.conv_algorithm = algorithm;
  halide::write_artifact(halide::lower_graph(*g, weights, Halide::get_host_target(), options), dir,
                         testing::codegen_options());
  c.native = testing::run_artifact(dir, inputs);
  return c;
}

void expect_close(const Compiled& c) {
  for (const auto& [name, ref] : c.reference) {
    SCOPED_TRACE("output %" + name);
    const Tensor& got = c.native.at(name);
    ASSERT_EQ(got.type, ref.type);
    const double err = testing::max_relative_error(ref, got);
    std::printf("  %%%s: max relative error %.2e\n", name.c_str(), err);
    EXPECT_LE(err, 1e-4);
    int64_t classes = ref.type.dim(ref.type.rank() - 1);
    for (int64_t item = 0; item < ref.type.dim(0); ++item)
      EXPECT_EQ(testing::top5(ref.ptr() + item * classes, classes),
                testing::top5(got.ptr() + item * classes, classes))
          << "batch item " << item;
  }
}

class ZooCompile : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooCompile, MatchesTheReferenceInterpreter) {
  expect_close(compile_and_run(GetParam(), 1));
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooCompile,
                         ::testing::Values("alexnet", "nin", "googlenet", "resnet18", "resnet50",
                                           "vgg16"));

// Winograd's rounding (~6e-6 of a layer's output scale for F(4x4), see
// winograd_conv2d_kernel_test.cpp) compounds over the layers, but stays well
// inside the direct kernels' 1e-4: measured 2026-11-29 (max error relative to
// the largest value) on logits / probabilities: googlenet 8.3e-7 / 1.4e-6,
// resnet18 6.6e-7 / 6.3e-8, vgg16 4.2e-6 / 1.6e-5. The top-5 is checked too.
class ZooCompileWinograd : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooCompileWinograd, MatchesTheReferenceInterpreter) {
  expect_close(compile_and_run(GetParam(), 1, halide::ConvAlgorithm::winograd));
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooCompileWinograd,
                         ::testing::Values("googlenet", "resnet18", "vgg16"));

// Batch is honoured everywhere: no shape, reshape or flatten is fixed to 1.
TEST(ZooCompileBatch, GoogLeNetAtBatchThree) {
  expect_close(compile_and_run("googlenet", 3));
}
TEST(ZooCompileBatch, AlexNetAtBatchThree) {
  expect_close(compile_and_run("alexnet", 3));
}

}  // namespace
}  // namespace kiln
