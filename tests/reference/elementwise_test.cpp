// The activations (relu, clip, leaky_relu, sigmoid), add (numpy
// broadcasting) and dropout.
#include <cmath>
#include <limits>

#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

TEST(Relu, ClampsNegatives) {
  Tensor y = run_op("relu", {tensor({2, 2}, {-1, 0, 2.5f, -0.5f})});
  expect_tensor(y, {2, 2}, {0, 0, 2.5, 0});
}

TEST(Relu, PropagatesNan) {
  Tensor y = run_op("relu", {tensor({1}, {std::numeric_limits<float>::quiet_NaN()})});
  EXPECT_TRUE(std::isnan(y.data[0]));
}

TEST(Clip, Relu6) {
  Tensor y = run_op("clip", {tensor({1, 5}, {-3, 0, 2.5f, 6, 7.25f})},
                    attrs({{"min", 0.0}, {"max", 6.0}}));
  expect_tensor(y, {1, 5}, {0, 0, 2.5, 6, 6});
}

TEST(Clip, InfiniteLowerBoundAndNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor y = run_op("clip", {tensor({4}, {-1e30f, -1, 1.5f, nan})},
                    attrs({{"min", -std::numeric_limits<double>::infinity()}, {"max", 1.0}}));
  EXPECT_EQ(y.data[0], -1e30f);
  EXPECT_EQ(y.data[1], -1.0f);
  EXPECT_EQ(y.data[2], 1.0f);
  EXPECT_TRUE(std::isnan(y.data[3]));
}

TEST(Clip, MinAboveMaxGivesMax) {
  // ONNX and PyTorch: min(max(x, 2), 1) is 1 everywhere.
  Tensor y = run_op("clip", {tensor({3}, {0, 1.5f, 3})}, attrs({{"min", 2.0}, {"max", 1.0}}));
  expect_tensor(y, {3}, {1, 1, 1});
}

TEST(LeakyRelu, ScalesNegativesOnly) {
  Tensor y = run_op("leaky_relu", {tensor({2, 2}, {-2, 0, 3, -0.5f})}, attrs({{"alpha", 0.1}}));
  expect_tensor(y, {2, 2}, {-0.2, 0, 3, -0.05});
}

TEST(Sigmoid, KnownValues) {
  // 1/(1+e^0) = 0.5; 1/(1+e^-2) = 0.880797077978; 1/(1+e^2) = 0.119202922022;
  // far out it saturates to exactly 0 and 1 in f32.
  Tensor y = run_op("sigmoid", {tensor({5}, {0, 2, -2, -200, 200})});
  expect_tensor(y, {5}, {0.5, 0.880797077978, 0.119202922022, 0, 1});
}

TEST(Add, SameShape) {
  Tensor y = run_op("add", {tensor({2, 2}, {1, 2, 3, 4}), tensor({2, 2}, {10, 20, 30, 40})});
  expect_tensor(y, {2, 2}, {11, 22, 33, 44});
}

TEST(Add, BroadcastsLowerRankOperand) {
  // [2,3] + [3]: the row [10, 20, 30] is added to both rows.
  Tensor y = run_op("add", {tensor({2, 3}, {1, 2, 3, 4, 5, 6}), tensor({3}, {10, 20, 30})});
  expect_tensor(y, {2, 3}, {11, 22, 33, 14, 25, 36});
}

TEST(Add, BroadcastsBothOperands) {
  // [2,1] + [1,3] -> [2,3]: y[i,j] = a[i] + b[j].
  Tensor y = run_op("add", {tensor({2, 1}, {1, 2}), tensor({1, 3}, {10, 20, 30})});
  expect_tensor(y, {2, 3}, {11, 21, 31, 12, 22, 32});
}

TEST(Add, BroadcastsPerChannel) {
  // [1,2,2,2] + [2,1,1]: 100 on channel 0, 200 on channel 1.
  Tensor y = run_op(
      "add", {tensor({1, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}), tensor({2, 1, 1}, {100, 200})});
  expect_tensor(y, {1, 2, 2, 2}, {100, 101, 102, 103, 204, 205, 206, 207});
}

TEST(Add, BroadcastFirstOperand) {
  // [1] + [2,2]: the scalar-like first operand repeats.
  Tensor y = run_op("add", {tensor({1}, {0.5f}), tensor({2, 2}, {1, 2, 3, 4})});
  expect_tensor(y, {2, 2}, {1.5, 2.5, 3.5, 4.5});
}

TEST(Dropout, IsIdentity) {
  Tensor y = run_op("dropout", {tensor({1, 3}, {1, -2, 3})}, attrs({{"ratio", 0.3}}));
  expect_tensor(y, {1, 3}, {1, -2, 3});
}

}  // namespace
}  // namespace kiln::reference::testing
