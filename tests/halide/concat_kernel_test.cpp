// JIT-compiles channel concatenations whose inputs land at lane offsets inside output blocks
// and compares them with a naive NCHW concat, for the host target and AVX2. Input pad lanes
// are poisoned with NaN: they must be overwritten or masked, and output pad lanes written 0.
#include "backend/halide/concat_kernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

ConcatSpec spec(int n, int h, int w, std::vector<int> channels) {
  ConcatSpec s;
  s.n = n, s.h = h, s.w = w;
  s.channels = std::move(channels);
  return s;
}

void expect_matches_naive(const ConcatSpec& s, const Halide::Target& target) {
  ConcatKernel kernel(s, target);
  const int V = kernel.block();
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<Halide::Buffer<float>> plain, blocked;
  for (int c : s.channels) {
    Halide::Buffer<float> x(s.w, s.h, c, s.n);
    x.for_each_value([&](float& v) { v = dist(rng); });
    Halide::Buffer<float> b = nchw_to_blocked(x, V);
    b.for_each_element([&](int v, int ix, int iy, int cb, int n) {
      if (cb * V + v >= c) b(v, ix, iy, cb, n) = std::numeric_limits<float>::quiet_NaN();
    });
    plain.push_back(x);
    blocked.push_back(b);
  }
  Halide::Buffer<float> out = kernel.make_output();
  out.fill(1.0f);  // pad lanes must be overwritten
  kernel.run(blocked, out);
  const Halide::Buffer<float> got = blocked_to_nchw(out, s.out_c());
  int offset = 0;
  for (size_t i = 0; i < plain.size(); ++i) {
    plain[i].for_each_element([&](int ix, int iy, int c, int n) {
      ASSERT_EQ(got(ix, iy, offset + c, n), plain[i](ix, iy, c, n))
          << s.to_string() << " input " << i << " c=" << c;
    });
    offset += s.channels[i];
  }
  out.for_each_element([&](int v, int ix, int iy, int cb, int n) {
    if (cb * V + v >= s.out_c()) {
      ASSERT_EQ(out(v, ix, iy, cb, n), 0.0f);
    }
  });
}

TEST(ConcatKernel, NamesSpecsAndDecidesInPlace) {
  EXPECT_EQ(spec(1, 28, 28, {64, 128, 32, 32}).to_string(), "concat_n1_28x28_c64+128+32+32");
  EXPECT_EQ(spec(1, 1, 1, {20, 10}).out_c(), 30);
  EXPECT_TRUE(concat_in_place({64, 128, 32, 20}, 16));  // only the last is partial
  EXPECT_FALSE(concat_in_place({64, 120, 32}, 16));
  EXPECT_TRUE(concat_in_place({64, 120, 32}, 8));
}

// V = 16: offsets 20 and 30 fall inside blocks; the last input's tail leaves 15 pad lanes.
TEST(ConcatKernel, LaneOffsetsBatch2Host) {
  expect_matches_naive(spec(2, 3, 4, {20, 10, 35}), Halide::get_jit_target_from_environment());
}

// V = 8: a whole-block input between two partial ones.
TEST(ConcatKernel, MixedOffsetsAvx2) {
  expect_matches_naive(spec(1, 2, 5, {5, 16, 11}), Halide::Target(kAvx2Target));
}

}  // namespace
}  // namespace kiln::halide
