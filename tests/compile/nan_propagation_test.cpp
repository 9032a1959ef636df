// A NaN in the input reaches the same outputs through the Halide backend as through the
// reference interpreter: the activations fused into conv2d and dense epilogues (relu, clip over a
// residual add, sigmoid), standalone relu and sigmoid, a padded max pool, and a softmax with one
// NaN logit (its whole row is NaN). Halide compiles float code assuming
// no NaN, and x86's maxps drops a NaN in its first operand, so a plain max(x, 0) turned NaN into
// 0: confident scores from a broken input.
#include <gtest/gtest.h>

#include <cmath>

#include "backend/halide/codegen/codegen.h"
#include "backend/halide/lower_graph.h"
#include "backend/reference/interpreter.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "tests/compile/compile_test_util.h"

namespace kiln {
namespace {

const char* kGraph = R"(graph @nan {
  %data = input() : f32[1,3,10,10]
  %c1.weight = weight() : f32[16,3,3,3]
  %c1.bias = weight() : f32[16]
  %c1 = conv2d(%data, %c1.weight, %c1.bias) {kernel = [3, 3], pad = [1, 1, 1, 1], activation = "relu"} : f32[1,16,10,10]
  %c2.weight = weight() : f32[16,16,1,1]
  %c2.bias = weight() : f32[16]
  %c2 = conv2d(%c1, %c2.weight, %c2.bias, %c1) {kernel = [1, 1], activation = "clip", min = 0.0, max = 6.0} : f32[1,16,10,10]
  %pool = max_pool2d(%c2) {kernel = [3, 3], stride = [2, 2], pad = [1, 1, 1, 1]} : f32[1,16,5,5]
  %r = relu(%pool) : f32[1,16,5,5]
  %flat = flatten(%r) : f32[1,400]
  %fc.weight = weight() : f32[10,400]
  %fc.bias = weight() : f32[10]
  %fc = dense(%flat, %fc.weight, %fc.bias) {activation = "relu"} : f32[1,10]
  %fc_sigmoid = dense(%flat, %fc.weight, %fc.bias) {activation = "sigmoid"} : f32[1,10]
  %s = sigmoid(%pool) : f32[1,16,5,5]
  %logits = input() : f32[2,10]
  %prob = softmax(%logits) : f32[2,10]
  output %r
  output %fc
  output %fc_sigmoid
  output %s
  output %prob
}
)";

int64_t count_nan(const Tensor& t) {
  int64_t n = 0;
  for (float v : t.data) n += std::isnan(v) ? 1 : 0;
  return n;
}

TEST(NanPropagation, MatchesTheReferenceInterpreter) {
  auto g = parse_graph(kGraph, "nan.kir");
  const WeightMap weights = seeded_weights(*g);
  Tensor data = seeded_input(g->inputs().at(0)->type(), 1);
  data.data[1 * 100 + 2 * 10 + 7] = std::nanf("");  // channel 1, row 2, column 7
  data.data[2 * 100 + 9 * 10 + 0] = std::nanf("");  // channel 2, bottom left: padded windows
  Tensor logits = seeded_input(g->inputs().at(1)->type(), 2);
  logits.data[13] = std::nanf("");  // row 1 only
  const TensorMap inputs = {{"data", data}, {"logits", logits}};
  const TensorMap want = reference::run(*g, weights, inputs);
  const testing::ArtifactDir scratch("nan_propagation");
  halide::write_artifact(halide::lower_graph(*g, weights, Halide::get_host_target()),
                         scratch.path(), testing::codegen_options());
  const TensorMap got = testing::run_artifact(scratch.path(), inputs);

  // The NaN reaches some of the pooled outputs (3x3 convs, then a 3x3 pool) and every dense one.
  ASSERT_GT(count_nan(want.at("r")), 0);
  ASSERT_LT(count_nan(want.at("r")), want.at("r").size());
  ASSERT_EQ(count_nan(want.at("fc")), want.at("fc").size());
  ASSERT_EQ(count_nan(want.at("prob")), 10);
  for (const char* name : {"r", "fc", "fc_sigmoid", "s", "prob"}) {
    SCOPED_TRACE(std::string("output %") + name);
    const Tensor &w = want.at(name), &h = got.at(name);
    ASSERT_EQ(h.size(), w.size());
    for (int64_t i = 0; i < w.size(); ++i) {
      ASSERT_EQ(std::isnan(h.data[i]), std::isnan(w.data[i])) << "element " << i;
      if (!std::isnan(w.data[i])) {
        EXPECT_NEAR(h.data[i], w.data[i], 1e-4f) << "element " << i;
      }
    }
  }
}

}  // namespace
}  // namespace kiln
