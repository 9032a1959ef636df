// Graphs at the edges of what the Halide backend lowers, compiled and run against the reference
// interpreter: an LRN window far wider than the channels, and weights or constants used as data
// (returned directly as graph outputs, or an elementwise operand) rather than as layer weights.
#include <gtest/gtest.h>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/lower_graph.h"
#include "backend/reference/interpreter.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "tests/compile/compile_test_util.h"

namespace kiln {
namespace {

// Compiles `text` with seeded weights and inputs, runs it, and compares every output.
void expect_matches_reference(const std::string& text, const std::string& name) {
  auto g = parse_graph(text, name + ".kir");
  const WeightMap weights = seeded_weights(*g);
  TensorMap inputs;
  for (const Node* in : g->inputs()) inputs[in->name()] = seeded_input(in->type(), 1);
  const TensorMap want = reference::run(*g, weights, inputs);
  const testing::ArtifactDir scratch(name);
  halide::write_artifact(halide::lower_graph(*g, weights, Halide::get_host_target()),
                         scratch.path(), testing::codegen_options());
  const TensorMap got = testing::run_artifact(scratch.path(), inputs);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [output, expected] : want) {
    SCOPED_TRACE("output %" + output);
    ASSERT_EQ(got.at(output).type, expected.type);
    EXPECT_LE(testing::max_relative_error(expected, got.at(output)), 1e-5);
  }
}

// Sizes past 2C - 1 reach every channel from every channel: the kernel clamps the window (a
// million terms took Halide minutes to compile) but keeps alpha / size as the op defines it.
TEST(EdgeGraphsCompile, LrnWindowFarWiderThanTheChannels) {
  expect_matches_reference(R"(graph @lrn_wide {
  %x = input() : f32[1,4,6,6]
  %huge = lrn(%x) {size = 1000001, alpha = 50000.0} : f32[1,4,6,6]
  %even = lrn(%x) {size = 10, alpha = 2.0, beta = 0.6} : f32[1,4,6,6]
  output %huge
  output %even
}
)",
                           "lrn_wide");
}

// Used to fail with "%w is used before it was lowered": no kernel produces a weight's value.
TEST(EdgeGraphsCompile, WeightsAndConstantsAsData) {
  expect_matches_reference(R"(graph @parameters_out {
  %x = input() : f32[1,4,6,6]
  %w = weight() : f32[4]
  %k = constant() {value = [1.5, -2.0]} : f32[1,2]
  %shift = weight() : f32[1,4,6,6]
  %y = add(%x, %shift) : f32[1,4,6,6]
  output %w
  output %k
  output %y
}
)",
                           "parameters_out");
}

TEST(EdgeGraphsCompile, WeightOutputWithoutInputs) {
  expect_matches_reference(R"(graph @no_input {
  %w = weight() : f32[1,2]
  output %w
}
)",
                           "no_input");
}

}  // namespace
}  // namespace kiln
