// JIT-compiles global average pooling kernels (blocked in, plain [N][C] out) for channel
// counts with and without a partial last block and compares them with a naive loop, for the
// host target and AVX2. Input pad lanes are poisoned with NaN: they must not be read.
#include "backend/halide/global_avg_pool_kernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

void expect_matches_naive(const GlobalAvgPoolSpec& s, const Halide::Target& target) {
  GlobalAvgPoolKernel kernel(s, target);
  const int V = kernel.block();
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Halide::Buffer<float> x(s.w, s.h, s.c, s.n);
  x.for_each_value([&](float& v) { v = dist(rng); });
  Halide::Buffer<float> in = nchw_to_blocked(x, V);
  in.for_each_element([&](int v, int ix, int iy, int cb, int n) {
    if (cb * V + v >= s.c) in(v, ix, iy, cb, n) = std::numeric_limits<float>::quiet_NaN();
  });
  Halide::Buffer<float> out = kernel.make_output();
  ASSERT_EQ(out.dimensions(), 2);
  kernel.run(in, out);
  for (int n = 0; n < s.n; ++n) {
    for (int c = 0; c < s.c; ++c) {
      double sum = 0;
      for (int iy = 0; iy < s.h; ++iy) {
        for (int ix = 0; ix < s.w; ++ix) sum += x(ix, iy, c, n);
      }
      ASSERT_NEAR(out(c, n), sum / (s.h * s.w), 1e-6) << s.to_string() << " c=" << c << " n=" << n;
    }
  }
}

GlobalAvgPoolSpec spec(int n, int c, int h, int w) {
  GlobalAvgPoolSpec s;
  s.n = n, s.c = c, s.h = h, s.w = w;
  return s;
}

TEST(GlobalAvgPoolKernel, NamesSpecs) {
  EXPECT_EQ(spec(1, 2048, 7, 7).to_string(), "gap_n1_c2048_7x7");
  EXPECT_DOUBLE_EQ(spec(1, 2048, 7, 7).flops(), 2048.0 * 49);
}

// C = 20 with V = 16: one full block and a 4-lane tail written with a predicated store.
TEST(GlobalAvgPoolKernel, PartialLastBlockBatch2Host) {
  expect_matches_naive(spec(2, 20, 3, 5), Halide::get_jit_target_from_environment());
}

TEST(GlobalAvgPoolKernel, WholeBlocksBatch3Avx2) {
  expect_matches_naive(spec(3, 40, 7, 7), Halide::Target(kAvx2Target));
}

}  // namespace
}  // namespace kiln::halide
