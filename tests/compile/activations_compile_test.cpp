// The activations through the Halide backend, fused into conv2d and dense
// epilogues and standalone on blocked (4-D) and plain (2-D) tensors, against
// the reference interpreter. 20 channels leave pad lanes in the last channel
// block (16 or 8 wide), where sigmoid(0) = 0.5 and clip with min > 0 would
// write non-zero padding that the following conv and pool must not see.
#include <gtest/gtest.h>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/lower_graph.h"
#include "backend/reference/interpreter.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "tests/compile/compile_test_util.h"

namespace kiln {
namespace {

const char* kGraph = R"(graph @activations {
  %data = input() : f32[1,3,10,10]
  %c1.weight = weight() : f32[20,3,3,3]
  %c1.bias = weight() : f32[20]
  %relu6 = conv2d(%data, %c1.weight, %c1.bias) {kernel = [3, 3], pad = [1, 1, 1, 1], activation = "clip", min = 0.0, max = 6.0} : f32[1,20,10,10]
  %c2.weight = weight() : f32[20,20,1,1]
  %c2.bias = weight() : f32[20]
  %leaky = conv2d(%relu6, %c2.weight, %c2.bias, %relu6) {kernel = [1, 1], activation = "leaky_relu", alpha = 0.1} : f32[1,20,10,10]
  %sig = conv2d(%leaky, %c2.weight, %c2.bias) {kernel = [1, 1], activation = "sigmoid"} : f32[1,20,10,10]
  %raised = clip(%sig) {min = 0.55, max = 0.9} : f32[1,20,10,10]
  %c3 = conv2d(%raised, %c2.weight, %c2.bias) {kernel = [1, 1]} : f32[1,20,10,10]
  %lr = leaky_relu(%c3) {alpha = 0.2} : f32[1,20,10,10]
  %s = sigmoid(%lr) : f32[1,20,10,10]
  %pool = max_pool2d(%s) {kernel = [2, 2], stride = [2, 2]} : f32[1,20,5,5]
  %gap = global_avg_pool(%pool) : f32[1,20,1,1]
  %flat = flatten(%gap) : f32[1,20]
  %fc1.weight = weight() : f32[12,20]
  %fc1.bias = weight() : f32[12]
  %fc1 = dense(%flat, %fc1.weight, %fc1.bias) {activation = "leaky_relu", alpha = 0.05} : f32[1,12]
  %plain_clip = clip(%fc1) {min = -0.5, max = 0.5} : f32[1,12]
  %fc2.weight = weight() : f32[7,12]
  %fc2 = dense(%plain_clip, %fc2.weight) {activation = "sigmoid"} : f32[1,7]
  output %fc2
  output %raised
}
)";

TEST(ActivationsCompile, MatchTheReferenceInterpreter) {
  auto g = parse_graph(kGraph, "activations.kir");
  const WeightMap weights = seeded_weights(*g);
  const TensorMap inputs = {{"data", seeded_input(g->inputs().at(0)->type(), 1)}};
  const TensorMap want = reference::run(*g, weights, inputs);
  const testing::ArtifactDir scratch("activations");
  const std::string& dir = scratch.path();
  halide::write_artifact(halide::lower_graph(*g, weights, Halide::get_host_target()), dir,
                         testing::codegen_options());
  const TensorMap got = testing::run_artifact(dir, inputs);
  for (const char* name : {"fc2", "raised"}) {
    SCOPED_TRACE(std::string("output %") + name);
    ASSERT_EQ(got.at(name).type, want.at(name).type);
    EXPECT_LE(testing::max_relative_error(want.at(name), got.at(name)), 1e-5);
  }
}

}  // namespace
}  // namespace kiln
