// softmax along an axis. softmax([1, 2, 3]) = e^k / (e + e^2 + e^3)
// = [0.0900305732, 0.2447284711, 0.6652409558].
#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

constexpr double k1 = 0.0900305731703805, k2 = 0.2447284710547976, k3 = 0.6652409557748219;

TEST(Softmax, LastAxisKnownValuesAndStability) {
  // The second row is the first shifted by 1000: exp(1000) overflows unless
  // the maximum is subtracted first; the result must not change.
  Tensor y =
      run_op("softmax", {tensor({2, 3}, {1, 2, 3, 1000, 1001, 1002})}, attrs({{"axis", -1}}));
  expect_tensor(y, {2, 3}, {k1, k2, k3, k1, k2, k3});
}

TEST(Softmax, Axis1OfRank3) {
  // x[0,:,0] = [1,2,3] -> k1,k2,k3; x[0,:,1] = [0,0,0] -> 1/3 each.
  Tensor y = run_op("softmax", {tensor({1, 3, 2}, {1, 0, 2, 0, 3, 0})}, attrs({{"axis", 1}}));
  expect_tensor(y, {1, 3, 2}, {k1, 1.0 / 3, k2, 1.0 / 3, k3, 1.0 / 3});
}

TEST(Softmax, RowsSumToOne) {
  Tensor y = run_op("softmax", {tensor({2, 4}, {-3, 0.5f, 7, 2, 100, -100, 0, 1e-3f})});
  for (int row = 0; row < 2; ++row) {
    double sum = 0;
    for (int j = 0; j < 4; ++j) {
      const float v = y.data[static_cast<size_t>(row * 4 + j)];
      EXPECT_GE(v, 0.0f);
      sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-6) << "row " << row;
  }
}

}  // namespace
}  // namespace kiln::reference::testing
