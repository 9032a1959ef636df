// JIT-compiles max / avg pooling kernels for edge shapes (ceil mode with an extra and with a
// dropped last window, asymmetric padding, count_include_pad both ways, odd sizes, stride 1
// and 2, batch > 1) and compares them with a naive NCHW loop, for the host target and AVX2.
#include "backend/halide/pool_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

Halide::Buffer<float> random_nchw(const Pool2dSpec& s, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  Halide::Buffer<float> buf(s.w, s.h, s.c, s.n);
  buf.for_each_value([&](float& v) { v = dist(rng); });
  return buf;
}

// The IR's definition, one window at a time, in double.
Halide::Buffer<float> naive_pool(const Pool2dSpec& s, const Halide::Buffer<float>& x) {
  Halide::Buffer<float> out(s.out_w(), s.out_h(), s.c, s.n);
  out.for_each_element([&](int ox, int oy, int c, int n) {
    const int y0 = oy * s.sh - s.pad_top, x0 = ox * s.sw - s.pad_left;
    double best = -std::numeric_limits<double>::infinity(), sum = 0;
    int real = 0;
    for (int iy = y0; iy < y0 + s.kh; ++iy) {
      for (int ix = x0; ix < x0 + s.kw; ++ix) {
        if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
        best = std::max(best, double(x(ix, iy, c, n)));
        sum += x(ix, iy, c, n);
        ++real;
      }
    }
    // count_include_pad: the window clipped to the padded input, not to what ceil mode adds.
    const int rows = std::min(y0 + s.kh, s.h + s.pad_bottom) - y0;
    const int cols = std::min(x0 + s.kw, s.w + s.pad_right) - x0;
    const int count = s.count_include_pad ? rows * cols : real;
    out(ox, oy, c, n) = float(s.kind == PoolKind::kMax ? best : sum / count);
  });
  return out;
}

// Runs the kernel on blocked data and checks real lanes against the naive loop and that zero
// pad lanes stay zero.
void expect_matches_naive(const Pool2dSpec& s, const Halide::Target& target, float lo, float hi) {
  Pool2dKernel kernel(s, target);
  const Halide::Buffer<float> x = random_nchw(s, lo, hi, 7);
  Halide::Buffer<float> out = kernel.make_output();
  kernel.run(nchw_to_blocked(x, kernel.block()), out);
  const Halide::Buffer<float> got = blocked_to_nchw(out, s.c), want = naive_pool(s, x);
  want.for_each_element([&](int ox, int oy, int c, int n) {
    ASSERT_NEAR(got(ox, oy, c, n), want(ox, oy, c, n), 1e-6f)
        << s.to_string() << " at x=" << ox << " y=" << oy << " c=" << c << " n=" << n;
  });
  out.for_each_element([&](int v, int ox, int oy, int cb, int n) {
    if (cb * kernel.block() + v >= s.c) {
      ASSERT_EQ(out(v, ox, oy, cb, n), 0.0f);
    }
  });
}

// Rows: 11 tall, 3/3 windows, pads 0/2: ceil mode's 5th window would start at 12 >= 11 + 0,
// inside the bottom padding, so it is dropped (4 rows, as in floor mode). Columns: 10 wide,
// 3/2 windows, pads 1/1: ceil mode adds a 6th window over column 9, the right pad and one
// position past it.
Pool2dSpec ceil_mode_spec(PoolKind kind) {
  Pool2dSpec s;
  s.kind = kind;
  s.n = 2, s.c = 20, s.h = 11, s.w = 10;
  s.kh = s.kw = 3;
  s.sh = 3, s.sw = 2;
  s.pad_top = 0, s.pad_left = 1, s.pad_bottom = 2, s.pad_right = 1;
  s.ceil_mode = true;
  return s;
}

TEST(PoolKernel, OutputSizeFollowsTheIrRules) {
  const Pool2dSpec s = ceil_mode_spec(PoolKind::kMax);
  EXPECT_EQ(s.out_h(), 4);  // the dropped last window
  EXPECT_EQ(s.out_w(), 6);  // the extra last window
  Pool2dSpec floor_mode = s;
  floor_mode.ceil_mode = false;
  EXPECT_EQ(floor_mode.out_h(), 4);
  EXPECT_EQ(floor_mode.out_w(), 5);
  Pool2dSpec googlenet;  // 112 -> 56 with ceil mode, 55 without
  googlenet.h = googlenet.w = 112, googlenet.kh = googlenet.kw = 3;
  googlenet.sh = googlenet.sw = 2, googlenet.ceil_mode = true;
  EXPECT_EQ(googlenet.out_h(), 56);
}

TEST(PoolKernel, ValidatesAndNamesSpecs) {
  Pool2dSpec s = ceil_mode_spec(PoolKind::kAvg);
  EXPECT_EQ(s.to_string(), "avgpool_n2_c20_11x10_3x3_s32_p0121_ceil");
  s.count_include_pad = true;
  EXPECT_EQ(s.to_string(), "avgpool_n2_c20_11x10_3x3_s32_p0121_ceil_cip");
  EXPECT_DOUBLE_EQ(s.flops(), 2.0 * 20 * 4 * 6 * 9);
  s.pad_bottom = 3;  // a window of padding only
  EXPECT_THROW(validate(s), std::invalid_argument);
}

// A buffer of the wrong shape is an error naming the kernel, not a crash (JitPipeline::realize).
TEST(PoolKernel, AWronglyShapedInputIsAnErrorNamingTheKernel) {
  const Pool2dSpec s = ceil_mode_spec(PoolKind::kMax);
  Pool2dKernel kernel(s);
  Halide::Buffer<float> wrong = make_blocked(s.n, s.c, s.h + 1, s.w, kernel.block());
  Halide::Buffer<float> out = kernel.make_output();
  try {
    kernel.run(wrong, out);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("pool2d kernel " + s.to_string() + " failed: ", 0), 0u)
        << e.what();
  }
}

// All inputs negative: a max that took zero padding would show up as 0.
TEST(PoolKernel, MaxCeilModeAsymmetricPaddingHost) {
  expect_matches_naive(ceil_mode_spec(PoolKind::kMax), Halide::get_jit_target_from_environment(),
                       -2.0f, -1.0f);
}

TEST(PoolKernel, AvgCeilModeCountIncludePadHost) {
  Pool2dSpec s = ceil_mode_spec(PoolKind::kAvg);
  s.count_include_pad = true;
  expect_matches_naive(s, Halide::get_jit_target_from_environment(), -1.0f, 1.0f);
}

TEST(PoolKernel, AvgCeilModeExcludePadAvx2) {
  expect_matches_naive(ceil_mode_spec(PoolKind::kAvg), Halide::Target(kAvx2Target), -1.0f, 1.0f);
}

// VGG's 2x2/2 on odd sizes: floor mode drops the last row and column.
TEST(PoolKernel, MaxStride2OddSizesBatch3Host) {
  Pool2dSpec s;
  s.n = 3, s.c = 16, s.h = 7, s.w = 9;
  s.kh = s.kw = 2, s.sh = s.sw = 2;
  expect_matches_naive(s, Halide::get_jit_target_from_environment(), -2.0f, -1.0f);
}

// GoogLeNet's pool-projection branch: 3x3/1, pad 1.
TEST(PoolKernel, MaxStride1PaddedAvx2) {
  Pool2dSpec s;
  s.c = 11, s.h = 6, s.w = 13;
  s.kh = s.kw = 3;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  expect_matches_naive(s, Halide::Target(kAvx2Target), -2.0f, -1.0f);
}

}  // namespace
}  // namespace kiln::halide
