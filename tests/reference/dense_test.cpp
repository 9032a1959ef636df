// dense: y = act(x * weight^T + bias) with weight [out, in].
#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

// x = [[1, 2, 3], [4, 5, 6]], weight rows [1, 0, -1] and [0.5, 0.5, 0.5].
// x * w^T = [[1-3, 0.5*6], [4-6, 0.5*15]] = [[-2, 3], [-2, 7.5]].
Tensor x() {
  return tensor({2, 3}, {1, 2, 3, 4, 5, 6});
}
Tensor w() {
  return tensor({2, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f});
}
Tensor b() {
  return tensor({2}, {3, -5});
}

TEST(Dense, NoBias) {
  expect_tensor(run_op("dense", {x(), w()}), {2, 2}, {-2, 3, -2, 7.5});
}

TEST(Dense, Bias) {
  // + [3, -5] per output feature.
  expect_tensor(run_op("dense", {x(), w(), b()}), {2, 2}, {1, -2, 1, 2.5});
}

TEST(Dense, BiasRelu) {
  Tensor y = run_op("dense", {x(), w(), b()}, attrs({{"activation", "relu"}}));
  expect_tensor(y, {2, 2}, {1, 0, 1, 2.5});
}

// Bias output [[1, -2], [1, 2.5]] through the other activations.
TEST(Dense, BiasClipLeakySigmoid) {
  expect_tensor(run_op("dense", {x(), w(), b()},
                       attrs({{"activation", "clip"}, {"min", -1.0}, {"max", 2.0}})),
                {2, 2}, {1, -1, 1, 2});
  expect_tensor(
      run_op("dense", {x(), w(), b()}, attrs({{"activation", "leaky_relu"}, {"alpha", 0.5}})),
      {2, 2}, {1, -1, 1, 2.5});
  // 1/(1+e^-1) = 0.731058578630, 1/(1+e^2) = 0.119202922022, 1/(1+e^-2.5) = 0.924141819979.
  expect_tensor(run_op("dense", {x(), w(), b()}, attrs({{"activation", "sigmoid"}})), {2, 2},
                {0.731058578630, 0.119202922022, 0.731058578630, 0.924141819979});
}

}  // namespace
}  // namespace kiln::reference::testing
