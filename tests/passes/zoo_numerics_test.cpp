// -O must not change what a zoo model computes: the reference interpreter's
// main outputs before and after the pipeline agree within 1e-4 (the measure
// of passes/numerics_check.h), on seeded weights and input at batch 1. One
// reference run before and one after per model keeps this affordable
// (vgg16's 31 GFLOP take about 12 s of CPU a run in the plain loops).
#include <gtest/gtest.h>

#include <chrono>

#include "backend/reference/interpreter.h"
#include "frontend/weight_init.h"
#include "models/zoo.h"
#include "pass_test_util.h"
#include "passes/numerics_check.h"

namespace kiln {
namespace {

class ZooNumerics : public ::testing::TestWithParam<std::string> {};

TensorMap seeded_inputs(const Graph& g) {
  TensorMap inputs;
  for (const Node* in : g.inputs()) inputs[in->name()] = seeded_input(in->type(), 7);
  return inputs;
}

TEST_P(ZooNumerics, OptimisedGraphComputesTheSameOutputs) {
  auto start = std::chrono::steady_clock::now();
  auto g = parse_graph_file(test::zoo_path(GetParam()));
  WeightMap weights = seeded_weights(*g, 3);
  const TensorMap inputs = seeded_inputs(*g);
  const std::string main = g->outputs().front().value->name();
  ASSERT_EQ(g->outputs().front().role, OutputRole::main);
  TensorMap before = reference::run(*g, weights, inputs);

  test::run_passes(*g, weights, default_pipeline());
  TensorMap after = reference::run(*g, weights, inputs);

  ASSERT_TRUE(after.count(main)) << "the main output %" << main << " was renamed";
  passes::Discrepancy d = passes::compare_tensor(main, before.at(main), after.at(main));
  EXPECT_TRUE(d.problem.empty()) << d.problem;
  EXPECT_LE(d.error, 1e-4) << "%" << main << "[" << d.index << "]: expected " << d.expected
                           << ", got " << d.actual;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("seconds", std::to_string(seconds));
  std::printf("%s: max relative error %.3g, %.1f s\n", GetParam().c_str(), d.error, seconds);
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooNumerics, ::testing::ValuesIn(zoo_model_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kiln
