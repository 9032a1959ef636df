#include "frontend/weight_init.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ir/builder.h"

namespace kiln {
namespace {

struct Stats {
  double mean = 0, stddev = 0, min = 1e300, max = -1e300;
};

Stats stats(const Tensor& t) {
  Stats s;
  double sum = 0, sq = 0;
  for (float v : t.data) {
    sum += v;
    sq += double{v} * v;
    s.min = std::min(s.min, double{v});
    s.max = std::max(s.max, double{v});
  }
  double n = static_cast<double>(t.data.size());
  s.mean = sum / n;
  s.stddev = std::sqrt(std::max(0.0, sq / n - s.mean * s.mean));
  return s;
}

// conv -> batch_norm -> relu -> dense, plus a weight nobody uses and one used
// as a plain add operand; `prefix_layer` inserts an unrelated layer first so
// that the node order differs.
std::unique_ptr<Graph> make_graph(bool prefix_layer) {
  auto g = std::make_unique<Graph>("g");
  GraphBuilder b(*g);
  Node* x = b.input("data", {1, 16, 8, 8});
  if (prefix_layer) x = b.conv2d("pre", x, 16, 1);
  Node* orphan = b.weight("orphan", {7});
  (void)orphan;
  x = b.relu("relu", b.batch_norm("bn", b.conv2d("conv", x, 64, 3, 1, 1)));
  x = b.add("shift", x, b.weight("offset", {1, 64, 1, 1}));
  x = b.flatten("flat", b.global_avg_pool("gap", x));
  b.output(b.dense("fc", x, 10));
  return g;
}

TEST(WeightInitTest, RolesComeFromTheFirstUserAndSlot) {
  auto g = make_graph(false);
  auto role = [&](const char* n) { return weight_role(*g, *g->find(n)); };
  EXPECT_EQ(role("conv.weight"), WeightRole::conv_weight);
  EXPECT_EQ(role("conv.bias"), WeightRole::bias);
  EXPECT_EQ(role("bn.scale"), WeightRole::bn_scale);
  EXPECT_EQ(role("bn.bias"), WeightRole::bn_bias);
  EXPECT_EQ(role("bn.mean"), WeightRole::bn_mean);
  EXPECT_EQ(role("bn.variance"), WeightRole::bn_variance);
  EXPECT_EQ(role("fc.weight"), WeightRole::dense_weight);
  EXPECT_EQ(role("fc.bias"), WeightRole::bias);
  EXPECT_EQ(role("offset"), WeightRole::other);
  EXPECT_EQ(role("orphan"), WeightRole::unused);
  EXPECT_STREQ(weight_role_name(WeightRole::bn_variance), "bn_variance");
}

TEST(WeightInitTest, DeterministicPerSeed) {
  auto g = make_graph(false);
  WeightMap a = seeded_weights(*g, 7), b = seeded_weights(*g, 7), c = seeded_weights(*g, 8);
  ASSERT_EQ(a.size(), g->weights().size());
  for (const auto& [name, t] : a) {
    EXPECT_EQ(t.type, g->find(name)->type()) << name;
    EXPECT_EQ(t.data, b.at(name).data) << name;
    if (name != "orphan") {
      EXPECT_NE(t.data, c.at(name).data) << name;
    }
  }
}

// seeded_weights fills tensors on several threads: each must still be its own stream's.
TEST(WeightInitTest, EveryTensorIsItsOwnStreamWhateverThreadFilledIt) {
  auto g = std::make_unique<Graph>("wide");
  GraphBuilder b(*g);
  Node* x = b.input("data", {1, 16, 8, 8});
  for (int i = 0; i < 24; ++i) x = b.conv2d("c" + std::to_string(i), x, 16 + 8 * (i % 3), 3, 1, 1);
  WeightMap all = seeded_weights(*g, 3);
  ASSERT_EQ(all.size(), g->weights().size());
  for (const Node* w : g->weights())
    EXPECT_EQ(all.at(w->name()).data,
              seeded_tensor(w->name(), w->type(), weight_role(*g, *w), 3).data)
        << w->name();
}

TEST(WeightInitTest, ValuesDependOnNameAndShapeNotGraphOrder) {
  WeightMap plain = seeded_weights(*make_graph(false));
  WeightMap shifted = seeded_weights(*make_graph(true));
  for (const auto& [name, t] : plain) EXPECT_EQ(t.data, shifted.at(name).data) << name;

  TensorType type({4, 4, 3, 3});
  Tensor a = seeded_tensor("a", type, WeightRole::conv_weight, 1);
  EXPECT_EQ(a.data, seeded_tensor("a", type, WeightRole::conv_weight, 1).data);
  EXPECT_NE(a.data, seeded_tensor("b", type, WeightRole::conv_weight, 1).data);
  EXPECT_NE(a.data, seeded_tensor("a", TensorType({4, 2, 3, 6}), WeightRole::conv_weight, 1).data);
}

TEST(WeightInitTest, DistributionsFollowTheRoles) {
  TensorType conv({256, 128, 3, 3});
  Stats w = stats(seeded_tensor("w", conv, WeightRole::conv_weight, 1));
  EXPECT_NEAR(w.mean, 0.0, 1e-3);
  EXPECT_NEAR(w.stddev, std::sqrt(2.0 / (128 * 9)), 0.01 * std::sqrt(2.0 / (128 * 9)));
  Stats dense = stats(seeded_tensor("d", TensorType({1000, 512}), WeightRole::dense_weight, 1));
  EXPECT_NEAR(dense.stddev, std::sqrt(2.0 / 512), 0.01 * std::sqrt(2.0 / 512));

  TensorType vec({20000});
  EXPECT_NEAR(stats(seeded_tensor("b", vec, WeightRole::bias, 1)).stddev, 0.01, 5e-4);
  Stats scale = stats(seeded_tensor("s", vec, WeightRole::bn_scale, 1));
  EXPECT_GE(scale.min, 0.5);
  EXPECT_LT(scale.max, 1.0);
  Stats var = stats(seeded_tensor("v", vec, WeightRole::bn_variance, 1));
  EXPECT_GE(var.min, 0.5);
  EXPECT_LT(var.max, 2.0);
  EXPECT_NEAR(var.mean, 1.25, 0.02);
  EXPECT_NEAR(stats(seeded_tensor("m", vec, WeightRole::bn_mean, 1)).stddev, 0.1, 5e-3);
  EXPECT_NEAR(stats(seeded_tensor("o", vec, WeightRole::other, 1)).stddev, 1.0, 0.03);
  Stats unused = stats(seeded_tensor("u", vec, WeightRole::unused, 1));
  EXPECT_EQ(unused.min, 0.0);
  EXPECT_EQ(unused.max, 0.0);
}

TEST(WeightInitTest, SeededInputIsStandardNormalAndDeterministic) {
  TensorType t({1, 3, 64, 64});
  Tensor a = seeded_input(t, 1);
  EXPECT_EQ(a.type, t);
  EXPECT_EQ(a.data, seeded_input(t, 1).data);
  EXPECT_NE(a.data, seeded_input(t, 2).data);
  Stats s = stats(a);
  EXPECT_NEAR(s.mean, 0.0, 0.03);
  EXPECT_NEAR(s.stddev, 1.0, 0.03);
  EXPECT_LT(s.min, -3.0);
  EXPECT_GT(s.max, 3.0);
}

// Pins the generator: every seeded result in the test suites (and any
// reference output recorded elsewhere) depends on these exact values, so a
// change here must be deliberate.
TEST(WeightInitTest, GeneratorIsPinned) {
  Tensor t = seeded_input(TensorType({4}), 1);
  const float expected[] = {0.158136696f, 0.456463099f, 0.0989679918f, 0.484509647f};
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(t.data[i], expected[i]) << i;
}

}  // namespace
}  // namespace kiln
