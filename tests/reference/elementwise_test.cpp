// relu, add (numpy broadcasting) and dropout.
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
