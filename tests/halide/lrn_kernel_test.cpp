// JIT-compiles LRN kernels whose window crosses channel blocks (C not a multiple of V, even
// and odd sizes, the reciprocal-square-root and exact paths for beta 0.75, and the pow path) and
// compares them with a naive NCHW loop, for the host target and AVX2. Input pad lanes are poisoned
// with NaN: the kernel must not let them reach real channels, and must write zero output pad lanes.
#include "backend/halide/lrn_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

Halide::Buffer<float> random_nchw(const LrnSpec& s, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  Halide::Buffer<float> buf(s.w, s.h, s.c, s.n);
  buf.for_each_value([&](float& v) { v = dist(rng); });
  return buf;
}

// ONNX: window [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to the channels.
Halide::Buffer<float> naive_lrn(const LrnSpec& s, const Halide::Buffer<float>& x) {
  const int64_t below = (s.size - 1) / 2, above = s.size / 2;
  Halide::Buffer<float> out(s.w, s.h, s.c, s.n);
  out.for_each_element([&](int ix, int iy, int c, int n) {
    double sum = 0;
    const int64_t lo = std::max<int64_t>(0, c - below), hi = std::min<int64_t>(s.c - 1, c + above);
    for (int64_t cc = lo; cc <= hi; ++cc) {
      sum += double(x(ix, iy, cc, n)) * x(ix, iy, cc, n);
    }
    const double scale = double(s.bias) + double(s.alpha) / s.size * sum;
    out(ix, iy, c, n) = float(x(ix, iy, c, n) / std::pow(scale, double(s.beta)));
  });
  return out;
}

void expect_matches_naive(const LrnSpec& s, const Halide::Target& target) {
  LrnKernel kernel(s, target);
  const int V = kernel.block();
  const Halide::Buffer<float> x = random_nchw(s, 3);
  Halide::Buffer<float> in = nchw_to_blocked(x, V);
  in.for_each_element([&](int v, int ix, int iy, int cb, int n) {
    if (cb * V + v >= s.c) in(v, ix, iy, cb, n) = std::numeric_limits<float>::quiet_NaN();
  });
  Halide::Buffer<float> out = kernel.make_output();
  out.fill(1.0f);  // pad lanes must be overwritten
  kernel.run(in, out);
  const Halide::Buffer<float> got = blocked_to_nchw(out, s.c), want = naive_lrn(s, x);
  want.for_each_element([&](int ix, int iy, int c, int n) {
    const float w = want(ix, iy, c, n);
    ASSERT_NEAR(got(ix, iy, c, n), w, 2e-6f * std::max(1.0f, std::abs(w)))
        << s.to_string() << " at x=" << ix << " y=" << iy << " c=" << c << " n=" << n;
  });
  out.for_each_element([&](int v, int ix, int iy, int cb, int n) {
    if (cb * V + v >= s.c) {
      ASSERT_EQ(out(v, ix, iy, cb, n), 0.0f);
    }
  });
}

// A large alpha so the normalisation, not the bias, dominates and window errors show.
LrnSpec spec(int n, int c, int h, int w, int64_t size, float beta) {
  LrnSpec s;
  s.n = n, s.c = c, s.h = h, s.w = w;
  s.size = size;
  s.alpha = 2.0f, s.beta = beta, s.bias = 1.0f;
  return s;
}

TEST(LrnKernel, NamesSpecsExactly) {
  LrnSpec s = spec(1, 96, 55, 55, 5, 0.75f);
  s.alpha = 1e-4f;
  EXPECT_EQ(s.to_string(), "lrn_n1_c96_55x55_size5_alpha1e-04_beta0.75_bias1");
  EXPECT_DOUBLE_EQ(s.flops(), 14.0 * 96 * 55 * 55);
}

// C = 20 with V = 16: the window straddles the block boundary and the partial last block.
TEST(LrnKernel, Size5AcrossBlocksBatch2Host) {
  expect_matches_naive(spec(2, 20, 3, 5, 5, 0.75f), Halide::get_jit_target_from_environment());
}

// AlexNet's channel count with V = 8: twelve blocks, every boundary crossed.
TEST(LrnKernel, Size5AlexNetChannelsAvx2) {
  expect_matches_naive(spec(1, 96, 2, 3, 5, 0.75f), Halide::Target(kAvx2Target));
}

// Without a positive bias the scale could be zero: beta 0.75 then takes the exact square roots,
// not the reciprocal-square-root estimates (which the cases above take, AlexNet's and
// GoogLeNet's bias being positive).
TEST(LrnKernel, ZeroBiasTakesTheExactRoots) {
  LrnSpec s = spec(1, 20, 2, 3, 5, 0.75f);
  s.bias = 0.0f;
  expect_matches_naive(s, Halide::get_jit_target_from_environment());
  expect_matches_naive(s, Halide::Target(kAvx2Target));
}

// An even size reaches one channel further up than down; beta 0.6 takes the pow path.
TEST(LrnKernel, EvenSizeGeneralBetaHost) {
  LrnSpec s = spec(1, 20, 2, 3, 4, 0.6f);
  s.bias = 2.0f;
  expect_matches_naive(s, Halide::get_jit_target_from_environment());
}

// A window wider than 2C - 1 covers every channel from every channel; the kernel must sum C
// terms, not `size` (a million took Halide minutes to compile), yet divide alpha by `size`.
TEST(LrnKernel, WindowFarWiderThanTheChannels) {
  expect_matches_naive(spec(1, 4, 2, 3, 1000001, 0.75f), Halide::get_jit_target_from_environment());
  expect_matches_naive(spec(1, 4, 2, 3, 10, 0.6f), Halide::get_jit_target_from_environment());
  // Beyond a 32-bit int: the divisor must not wrap.
  LrnSpec huge = spec(1, 4, 2, 3, int64_t{5} << 32, 0.75f);
  huge.alpha = 1e9f;
  expect_matches_naive(huge, Halide::get_jit_target_from_environment());
}

}  // namespace
}  // namespace kiln::halide
