#include "backend/halide/layout.h"

#include <gtest/gtest.h>

namespace kiln::halide {
namespace {

Halide::Buffer<float> iota_buffer(std::vector<int> extents) {
  Halide::Buffer<float> buf(extents);
  float next = 1.0f;
  buf.for_each_value([&](float& v) { v = next++; });
  return buf;
}

TEST(Layout, BlockedRoundTripZeroesPadLanes) {
  const Halide::Buffer<float> nchw = iota_buffer({5, 3, 20, 2});  // W=5 H=3 C=20 N=2
  const Halide::Buffer<float> blocked = nchw_to_blocked(nchw, 16);
  ASSERT_EQ(blocked.dimensions(), 5);
  EXPECT_EQ(blocked.dim(0).extent(), 16);
  EXPECT_EQ(blocked.dim(3).extent(), 2);
  EXPECT_EQ(blocked(3, 4, 2, 1, 1), nchw(4, 2, 16 + 3, 1));  // channel 19 = block 1 lane 3
  EXPECT_EQ(blocked(4, 0, 0, 1, 0), 0.0f);                   // channel 20 is a pad lane
  const Halide::Buffer<float> back = blocked_to_nchw(blocked, 20);
  back.for_each_element(
      [&](int x, int y, int c, int n) { ASSERT_EQ(back(x, y, c, n), nchw(x, y, c, n)); });
}

TEST(Layout, NonDenseInputIsCopiedFirst) {
  Halide::Buffer<float> big = iota_buffer({6, 3, 8, 1});
  // W=4 of a W=6 row: rows are strided, so the conversion must not assume density.
  const Halide::Buffer<float> view(big.get()->cropped(0, 1, 4));
  const Halide::Buffer<float> blocked = nchw_to_blocked(view, 8);
  EXPECT_EQ(blocked.dim(1).extent(), 4);
  EXPECT_EQ(blocked(7, 0, 2, 0, 0), big(1, 2, 7, 0));
}

TEST(Layout, WeightsPutOutputChannelsInLanes) {
  const int k = 20, cg = 3, kh = 2, kw = 3;
  const Halide::Buffer<float> oihw = iota_buffer({kw, kh, cg, k});
  const Halide::Buffer<float> packed = repack_weights_oihw(oihw, 16);
  ASSERT_EQ(packed.dim(0).extent(), 16);
  EXPECT_EQ(packed.dim(1).extent(), cg);
  EXPECT_EQ(packed.dim(4).extent(), 2);
  // Output channel 18 = block 1, lane 2; input channel 1, ky 1, kx 2.
  EXPECT_EQ(packed(2, 1, 2, 1, 1), oihw(2, 1, 1, 18));
  EXPECT_EQ(packed(5, 0, 0, 0, 1), 0.0f);  // output channel 21 does not exist
  EXPECT_EQ(packed_weights_size(k, cg, kh, kw, 16), size_t(packed.number_of_elements()));
}

TEST(Layout, BiasIsPaddedWithZeros) {
  const float bias[3] = {1, 2, 3};
  const Halide::Buffer<float> packed = pack_bias(bias, 3, 8);
  ASSERT_EQ(packed.dim(0).extent(), 8);
  EXPECT_EQ(packed(2), 3.0f);
  EXPECT_EQ(packed(7), 0.0f);
}

}  // namespace
}  // namespace kiln::halide
