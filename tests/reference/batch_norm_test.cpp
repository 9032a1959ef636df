// batch_norm (inference): y = scale * (x - mean) / sqrt(var + eps) + bias.
#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

TEST(BatchNorm, PerChannel) {
  // epsilon 0 keeps the square roots exact.
  // ch0: scale 2, bias 1, mean 2, var 4:  2*(1-2)/2+1 = 0,  2*(3-2)/2+1 = 2.
  // ch1: scale 0.5, bias -1, mean 10, var 100: 0.5*0/10-1 = -1, 0.5*10/10-1 = -0.5.
  Tensor x = tensor({1, 2, 1, 2}, {1, 3, 10, 20});
  Tensor y = run_op("batch_norm",
                    {x, tensor({2}, {2, 0.5f}), tensor({2}, {1, -1}), tensor({2}, {2, 10}),
                     tensor({2}, {4, 100})},
                    attrs({{"epsilon", 0.0}}));
  expect_tensor(y, {1, 2, 1, 2}, {0, 2, -1, -0.5});
}

TEST(BatchNorm, DefaultEpsilonAndBatch) {
  // var 0, so only the default epsilon 1e-5 is under the root:
  // y = x / sqrt(1e-5) = x * 316.227766...; rank 2 and two batch items.
  Tensor x = tensor({2, 1}, {1, -0.5f});
  Tensor one = tensor({1}, {1}), zero = tensor({1}, {0});
  Tensor y = run_op("batch_norm", {x, one, zero, zero, zero});
  expect_tensor(y, {2, 1}, {316.2277660168, -158.1138830084});
}

}  // namespace
}  // namespace kiln::reference::testing
