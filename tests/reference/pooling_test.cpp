// max_pool2d, avg_pool2d and global_avg_pool. The 1-D cases use H = 1 and
// kernel [1, k], pad [0, l, 0, r] so that each window can be listed by hand.
#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

AttrMap pool_1d(int64_t k, int64_t stride, int64_t pad_l, int64_t pad_r, bool ceil_mode) {
  return attrs({{"kernel", ints({1, k})},
                {"stride", ints({1, stride})},
                {"pad", ints({0, pad_l, 0, pad_r})},
                {"ceil_mode", ceil_mode}});
}

AttrMap with(AttrMap m, const std::string& name, Attr v) {
  m.set(name, std::move(v));
  return m;
}

TEST(MaxPool, Stride2PerChannel) {
  //  1  5 |  2  0      c0 windows: max(1,5,3,-1)=5  max(2,0,4,7)=7
  //  3 -1 |  4  7                  max(-2,6,9,0)=9  max(8,-3,-5,1)=8
  // -2  6 |  8 -3      c1 = -c0:   max(-1,-5,-3,1)=1  max(-2,0,-4,-7)=0
  //  9  0 | -5  1                  max(2,-6,-9,0)=2  max(-8,3,5,-1)=5
  std::vector<float> c0 = {1, 5, 2, 0, 3, -1, 4, 7, -2, 6, 8, -3, 9, 0, -5, 1};
  std::vector<float> v = c0;
  for (float f : c0) v.push_back(-f);
  Tensor y = run_op("max_pool2d", {tensor({1, 2, 4, 4}, v)},
                    attrs({{"kernel", ints({2, 2})}, {"stride", ints({2, 2})}}));
  expect_tensor(y, {1, 2, 2, 2}, {5, 7, 9, 8, 1, 0, 2, 5});
}

TEST(MaxPool, PaddingIsNeverSelected) {
  // All inputs negative, so treating padding as 0 would show up at the edges.
  // -1 -2 -3 / -4 -5 -6 / -7 -8 -9, 2x2 windows, stride 1, pad 1 all round:
  // y[i,j] = max of x[i-1..i, j-1..j] that exists.
  Tensor x = tensor({1, 1, 3, 3}, {-1, -2, -3, -4, -5, -6, -7, -8, -9});
  Tensor y =
      run_op("max_pool2d", {x}, attrs({{"kernel", ints({2, 2})}, {"pad", ints({1, 1, 1, 1})}}));
  expect_tensor(y, {1, 1, 4, 4}, {-1, -1, -2, -3, -1, -1, -2, -3, -4, -4, -5, -6, -7, -7, -8, -9});
}

TEST(MaxPool, AsymmetricPadding) {
  // x = -1 -2 / -3 -4, pad [top=1, left=0, bottom=0, right=1]:
  // windows rows {-1,0},{0,1} x cols {0,1},{1,2}:
  // (0,0) max(-1,-2)=-1  (0,1) -2  (1,0) max(all)=-1  (1,1) max(-2,-4)=-2.
  // (Swapping top and left would give -1, -1, -3, -3.)
  Tensor x = tensor({1, 1, 2, 2}, {-1, -2, -3, -4});
  Tensor y =
      run_op("max_pool2d", {x}, attrs({{"kernel", ints({2, 2})}, {"pad", ints({1, 0, 0, 1})}}));
  expect_tensor(y, {1, 1, 2, 2}, {-1, -2, -1, -2});
}

TEST(MaxPool, CeilModeAddsPartialWindow) {
  // W = 5, k 2, s 2: floor gives windows {0,1},{2,3}; ceil adds {4}.
  Tensor x = tensor({1, 1, 1, 5}, {3, 1, 4, 1, 5});
  expect_tensor(run_op("max_pool2d", {x}, pool_1d(2, 2, 0, 0, false)), {1, 1, 1, 2}, {3, 4});
  expect_tensor(run_op("max_pool2d", {x}, pool_1d(2, 2, 0, 0, true)), {1, 1, 1, 3}, {3, 4, 5});
}

TEST(MaxPool, CeilWindowStartingInPaddingIsDropped) {
  // W = 5, k 2, s 2, pad 1 both sides: windows {-1,0},{1,2},{3,4}. Ceil mode
  // would add a 4th window starting at 5, i.e. in the right padding; it is
  // dropped, so ceil and floor both give 3 outputs.
  Tensor x = tensor({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  expect_tensor(run_op("max_pool2d", {x}, pool_1d(2, 2, 1, 1, true)), {1, 1, 1, 3}, {1, 3, 5});
}

TEST(AvgPool, Stride2) {
  // 1..16 in 2x2 blocks: (1+2+5+6)/4=3.5, (3+4+7+8)/4=5.5, 11.5, 13.5.
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  Tensor y = run_op("avg_pool2d", {tensor({1, 1, 4, 4}, v)},
                    attrs({{"kernel", ints({2, 2})}, {"stride", ints({2, 2})}}));
  expect_tensor(y, {1, 1, 2, 2}, {3.5, 5.5, 11.5, 13.5});
}

TEST(AvgPool, PaddingExcludedByDefault) {
  // x = 1 2 / 3 4, 2x2 windows, pad 1 all round -> 3x3, divided by the
  // number of real inputs in each window.
  Tensor x = tensor({1, 1, 2, 2}, {1, 2, 3, 4});
  AttrMap a = attrs({{"kernel", ints({2, 2})}, {"pad", ints({1, 1, 1, 1})}});
  expect_tensor(run_op("avg_pool2d", {x}, a), {1, 1, 3, 3}, {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4});
  // count_include_pad: every window lies inside the padded input -> sum / 4.
  expect_tensor(run_op("avg_pool2d", {x}, with(a, "count_include_pad", true)), {1, 1, 3, 3},
                {0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1});
}

TEST(AvgPool, AsymmetricPadding) {
  // x = 1 2 / 3 4, pad [top=1, left=0, bottom=0, right=1]:
  // (0,0) {1,2}  (0,1) {2}  (1,0) {1,2,3,4}  (1,1) {2,4}.
  Tensor x = tensor({1, 1, 2, 2}, {1, 2, 3, 4});
  AttrMap a = attrs({{"kernel", ints({2, 2})}, {"pad", ints({1, 0, 0, 1})}});
  expect_tensor(run_op("avg_pool2d", {x}, a), {1, 1, 2, 2}, {1.5, 2, 2.5, 3});
  expect_tensor(run_op("avg_pool2d", {x}, with(a, "count_include_pad", true)), {1, 1, 2, 2},
                {0.75, 0.5, 2.5, 1.5});
}

TEST(AvgPool, CeilModeDivisors) {
  // W = 4, x = [1, 2, 3, 4], k 3, s 2, pad 1 both sides (padded input spans
  // positions -1..4). Windows: {-1,0,1}, {1,2,3} and, in ceil mode only,
  // {3,4,5}: position 4 is padding, position 5 lies beyond the padded input.
  //   count_include_pad: (1+2)/3=1, 9/3=3, 4/2=2 (5 is not counted)
  //   exclude padding:   3/2=1.5,   9/3=3, 4/1=4
  Tensor x = tensor({1, 1, 1, 4}, {1, 2, 3, 4});
  AttrMap ceil = pool_1d(3, 2, 1, 1, true), floor = pool_1d(3, 2, 1, 1, false);
  expect_tensor(run_op("avg_pool2d", {x}, with(ceil, "count_include_pad", true)), {1, 1, 1, 3},
                {1, 3, 2});
  expect_tensor(run_op("avg_pool2d", {x}, ceil), {1, 1, 1, 3}, {1.5, 3, 4});
  expect_tensor(run_op("avg_pool2d", {x}, with(floor, "count_include_pad", true)), {1, 1, 1, 2},
                {1, 3});
  expect_tensor(run_op("avg_pool2d", {x}, floor), {1, 1, 1, 2}, {1.5, 3});
  expect_tensor(run_op("max_pool2d", {x}, ceil), {1, 1, 1, 3}, {2, 4, 4});
}

TEST(AvgPool, CeilWindowStartingInPaddingIsDropped) {
  // As for max pooling: W = 5, k 2, s 2, pad 1 -> {-1,0},{1,2},{3,4}.
  //   exclude padding: 1/1, (2+3)/2, (4+5)/2;  include: 1/2, 2.5, 4.5.
  Tensor x = tensor({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  AttrMap a = pool_1d(2, 2, 1, 1, true);
  expect_tensor(run_op("avg_pool2d", {x}, a), {1, 1, 1, 3}, {1, 2.5, 4.5});
  expect_tensor(run_op("avg_pool2d", {x}, with(a, "count_include_pad", true)), {1, 1, 1, 3},
                {0.5, 2.5, 4.5});
}

TEST(GlobalAvgPool, PerBatchAndChannel) {
  // n0c0 [1,2,3] -> 2, n0c1 [4,5,9] -> 6, n1c0 [-1,1,0] -> 0, n1c1 [10,20,30] -> 20.
  Tensor x = tensor({2, 2, 1, 3}, {1, 2, 3, 4, 5, 9, -1, 1, 0, 10, 20, 30});
  expect_tensor(run_op("global_avg_pool", {x}), {2, 2, 1, 1}, {2, 6, 0, 20});
}

}  // namespace
}  // namespace kiln::reference::testing
