// What passes do to the weight map: folded tensors carry the right values
// under new names, a tensor another node still reads is never changed, and
// tensors leave the map with their nodes only.
#include <gtest/gtest.h>

#include <cmath>

#include "pass_test_util.h"

namespace kiln {
namespace {

Tensor vec(std::vector<float> v) {
  TensorType t({static_cast<int64_t>(v.size())});
  return Tensor(t, std::move(v));
}

Tensor filled(std::vector<int64_t> dims, std::vector<float> v) {
  return Tensor(TensorType(std::move(dims)), std::move(v));
}

// Two 1x1 convs share %w; only %a's batch norm can fold (%b also feeds %out2).
const char* const kSharedWeight = R"(graph @shared {
  %data = input() : f32[1,2,3,3]
  %w = weight() : f32[2,2,1,1]
  %bias = weight() : f32[2]
  %a = conv2d(%data, %w, %bias) {kernel = [1, 1]} : f32[1,2,3,3]
  %s = weight() : f32[2]
  %t = weight() : f32[2]
  %m = weight() : f32[2]
  %v = weight() : f32[2]
  %a.bn = batch_norm(%a, %s, %t, %m, %v) {epsilon = 0.25} : f32[1,2,3,3]
  %b = conv2d(%a.bn, %w) {kernel = [1, 1]} : f32[1,2,3,3]
  %b.bn = batch_norm(%b, %s, %t, %m, %v) : f32[1,2,3,3]
  output %b.bn
  output %b
}
)";

WeightMap shared_weights() {
  return {{"w", filled({2, 2, 1, 1}, {1, 2, 3, 4})},
          {"bias", vec({0.5f, -1})},
          {"s", vec({2, 3})},
          {"t", vec({0.25f, -0.5f})},
          {"m", vec({1, -2})},
          {"v", vec({0.75f, 3.75f})},
          {"unrelated", vec({9})}};
}

TEST(PassWeightsTest, FoldBnComputesNewTensorsAndKeepsTheSharedOne) {
  auto g = parse_graph(kSharedWeight);
  WeightMap weights = shared_weights();
  test::run_passes(*g, weights, {"fold-bn"});
  // a = scale / sqrt(var + eps): {2 / 1, 3 / 2}
  const Tensor& w2 = weights.at("w.folded");
  EXPECT_EQ(w2.data, (std::vector<float>{2, 4, 4.5f, 6}));
  // a * (bias - mean) + beta: {2 * (0.5 - 1) + 0.25, 1.5 * (-1 + 2) - 0.5}
  EXPECT_EQ(weights.at("bias.folded").data, (std::vector<float>{-0.75f, 1.0f}));
  EXPECT_EQ(g->find("a.bn")->input(1)->name(), "w.folded");
  // %b still reads %w, unchanged; %b's batch norm and its parameters stay.
  EXPECT_EQ(g->find("b")->input(1)->name(), "w");
  EXPECT_EQ(weights.at("w").data, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_TRUE(g->find("b.bn") && g->find("b.bn")->is("batch_norm"));
  EXPECT_TRUE(weights.count("s") && weights.count("v"));
  // %bias was %a's alone: its node and tensor are gone.
  EXPECT_FALSE(g->find("bias"));
  EXPECT_FALSE(weights.count("bias"));
  EXPECT_TRUE(weights.count("unrelated"));
}

TEST(PassWeightsTest, NewNamesAvoidTensorsTheGraphDoesNotUse) {
  auto g = parse_graph(kSharedWeight);
  WeightMap weights = shared_weights();
  weights["w.folded"] = vec({1});  // a stale tensor: must not be overwritten
  test::run_passes(*g, weights, {"fold-bn"});
  EXPECT_EQ(weights.at("w.folded").data, std::vector<float>{1});
  EXPECT_EQ(g->find("a.bn")->input(1)->name(), "w.folded.1");
  EXPECT_EQ(weights.at("w.folded.1").type.dims, (std::vector<int64_t>{2, 2, 1, 1}));
}

TEST(PassWeightsTest, DceDropsOnlyTheTensorsOfErasedWeights) {
  auto g = parse_graph(R"(graph @d {
  %data = input() : f32[1,2]
  %dead = weight() : f32[2]
  %gone = add(%data, %dead) : f32[1,2]
  %live = weight() : f32[2]
  %y = add(%data, %live) : f32[1,2]
  output %y
}
)");
  WeightMap weights = {{"dead", vec({1, 2})}, {"live", vec({3, 4})}, {"extra", vec({5})}};
  PipelineResult r = test::run_passes(*g, weights, {"dce"});
  EXPECT_FALSE(weights.count("dead"));
  EXPECT_TRUE(weights.count("live"));
  EXPECT_TRUE(weights.count("extra"));  // not the graph's: dce has no say
  EXPECT_EQ(r.statistics.at("dce").at("nodes removed"), 2);
  EXPECT_EQ(r.statistics.at("dce").at("tensors removed"), 1);
}

TEST(PassWeightsTest, FusionAddsAZeroBias) {
  auto g = parse_graph(R"(graph @z {
  %data = input() : f32[1,2,3,3]
  %w = weight() : f32[3,2,1,1]
  %c = conv2d(%data, %w) {kernel = [1, 1]} : f32[1,3,3,3]
  %r = relu(%c) : f32[1,3,3,3]
  output %r
}
)");
  WeightMap weights = {{"w", filled({3, 2, 1, 1}, {1, 2, 3, 4, 5, 6})}};
  test::run_passes(*g, weights, {"fuse-conv-activation"});
  EXPECT_EQ(g->find("r")->input(2)->name(), "c.bias.zero");
  EXPECT_EQ(weights.at("c.bias.zero").data, (std::vector<float>{0, 0, 0}));
}

TEST(PassWeightsTest, ConstantFoldingStoresTheComputedValue) {
  auto g = parse_graph(R"(graph @f {
  %data = input() : f32[1,3]
  %a = weight() : f32[3]
  %k = constant() {value = [1.0, 2.0, 3.0]} : f32[3]
  %sum = add(%a, %k) : f32[3]
  %y = add(%data, %sum) : f32[1,3]
  output %y
}
)");
  WeightMap weights = {{"a", vec({0.5f, 0.25f, -1})}};
  test::run_passes(*g, weights, {"canonicalize"});
  ASSERT_TRUE(g->find("sum")->is("weight"));
  EXPECT_EQ(weights.at("sum").data, (std::vector<float>{1.5f, 2.25f, 2}));
  EXPECT_FALSE(g->find("a"));
  EXPECT_FALSE(g->find("k"));
  EXPECT_FALSE(weights.count("a"));
}

TEST(PassWeightsTest, FoldBnReadsInlineConstants) {
  auto g = parse_graph(R"(graph @c {
  %data = input() : f32[1,2]
  %w = constant() {value = [1.0, 0.0, 0.0, 1.0]} : f32[2,2]
  %fc = dense(%data, %w) : f32[1,2]
  %s = constant() {value = [2.0, 4.0]} : f32[2]
  %t = constant() {value = [1.0, 1.0]} : f32[2]
  %m = constant() {value = [0.0, 0.0]} : f32[2]
  %v = constant() {value = [1.0, 1.0]} : f32[2]
  %bn = batch_norm(%fc, %s, %t, %m, %v) {epsilon = 0.0} : f32[1,2]
  output %bn
}
)");
  WeightMap weights;
  test::run_passes(*g, weights, {"fold-bn"});
  EXPECT_EQ(weights.at("w.folded").data, (std::vector<float>{2, 0, 0, 4}));
  EXPECT_EQ(weights.at("fc.bias.folded").data, (std::vector<float>{1, 1}));
  EXPECT_EQ(g->size(), 4u);  // data, two weights, the dense
}

}  // namespace
}  // namespace kiln
