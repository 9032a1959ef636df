// lrn (ONNX): y[c] = x[c] / (bias + alpha/size * sum_{window(c)} x^2)^beta,
// window(c) = [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped.
// alpha = size makes alpha/size = 1, so with bias 1 and beta 1 every value
// is x[c] / (1 + sum of squares).
#include <cmath>

#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

TEST(Lrn, Size3ClipsAtChannelEdges) {
  // Two spatial positions, channels [1..5] and [5..1] (NCHW with W = 2).
  // Position 0, squares 1 4 9 16 25:
  //   c0 {0,1}: 5 -> 1/6      c1 {0,1,2}: 14 -> 2/15    c2 {1,2,3}: 29 -> 3/30
  //   c3 {2,3,4}: 50 -> 4/51  c4 {3,4}: 41 -> 5/42
  // Position 1 mirrors it: 5/42, 4/51, 3/30, 2/15, 1/6.
  Tensor x = tensor({1, 5, 1, 2}, {1, 5, 2, 4, 3, 3, 4, 2, 5, 1});
  Tensor y = run_op("lrn", {x}, attrs({{"size", 3}, {"alpha", 3.0}, {"beta", 1.0}, {"bias", 1.0}}));
  expect_tensor(y, {1, 5, 1, 2},
                {1.0 / 6, 5.0 / 42, 2.0 / 15, 4.0 / 51, 3.0 / 30, 3.0 / 30, 4.0 / 51, 2.0 / 15,
                 5.0 / 42, 1.0 / 6});
}

TEST(Lrn, Size5WithBeta) {
  // Window [c-2, c+2]; beta 0.5 gives a square root.
  //   c0 {0,1,2}: 14   c1 {0..3}: 30   c2 {0..4}: 55   c3 {1..4}: 54   c4 {2..4}: 50
  Tensor x = tensor({1, 5, 1, 1}, {1, 2, 3, 4, 5});
  Tensor y = run_op("lrn", {x}, attrs({{"size", 5}, {"alpha", 5.0}, {"beta", 0.5}, {"bias", 1.0}}));
  expect_tensor(y, {1, 5, 1, 1},
                {1 / std::sqrt(15.0), 2 / std::sqrt(31.0), 3 / std::sqrt(56.0), 4 / std::sqrt(55.0),
                 5 / std::sqrt(51.0)});
}

TEST(Lrn, EvenSizeReachesFurtherUp) {
  // size 4: window [c-1, c+2].
  //   c0 {0,1,2}: 14 -> 1/15   c1 {0..3}: 30 -> 2/31   c2 {1..4}: 54 -> 3/55
  //   c3 {2,3,4}: 50 -> 4/51   c4 {3,4}: 41 -> 5/42
  Tensor x = tensor({1, 5, 1, 1}, {1, 2, 3, 4, 5});
  Tensor y = run_op("lrn", {x}, attrs({{"size", 4}, {"alpha", 4.0}, {"beta", 1.0}, {"bias", 1.0}}));
  expect_tensor(y, {1, 5, 1, 1}, {1.0 / 15, 2.0 / 31, 3.0 / 55, 4.0 / 51, 5.0 / 42});
}

TEST(Lrn, Defaults) {
  // alpha 1e-4, beta 0.75, bias 1, size 1 (window = the channel itself):
  // y = 10 / (1 + 1e-4 * 100)^0.75 = 10 / 1.01^0.75.
  Tensor x = tensor({1, 1, 1, 1}, {10});
  Tensor y = run_op("lrn", {x}, attrs({{"size", 1}}));
  expect_tensor(y, {1, 1, 1, 1}, {10 / std::pow(1.01, 0.75)});
}

}  // namespace
}  // namespace kiln::reference::testing
