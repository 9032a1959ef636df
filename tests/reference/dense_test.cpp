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

}  // namespace
}  // namespace kiln::reference::testing
