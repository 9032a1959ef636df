// JIT-compiles the NCHW <-> blocked conversion kernels and checks them element by element
// against the definition (channel c at block c / V, lane c % V), for the network input's
// 3 channels, a partial last block and planes smaller than a vector; host target and AVX2.
#include "backend/halide/layout_kernel.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

LayoutSpec spec(bool to_blocked, int n, int c, int h, int w) {
  LayoutSpec s;
  s.to_blocked = to_blocked;
  s.n = n, s.c = c, s.h = h, s.w = w;
  return s;
}

// Distinct, exactly representable values.
float value_at(int x, int y, int c, int n) {
  return float(((n * 100 + c) * 50 + y) * 50 + x);
}

void expect_to_blocked(const LayoutSpec& s, const Halide::Target& target) {
  LayoutKernel kernel(s, target);
  const int V = kernel.block();
  Halide::Buffer<float> in(s.w, s.h, s.c, s.n);
  in.for_each_element([&](int x, int y, int c, int n) { in(x, y, c, n) = value_at(x, y, c, n); });
  Halide::Buffer<float> out = kernel.make_output();
  out.fill(1.0f);  // pad lanes must be overwritten
  kernel.run(in, out);
  out.for_each_element([&](int v, int x, int y, int cb, int n) {
    const int c = cb * V + v;
    ASSERT_EQ(out(v, x, y, cb, n), c < s.c ? value_at(x, y, c, n) : 0.0f) << s.to_string();
  });
}

void expect_to_plain(const LayoutSpec& s, const Halide::Target& target) {
  LayoutKernel kernel(s, target);
  const int V = kernel.block();
  Halide::Buffer<float> in(V, s.w, s.h, (s.c + V - 1) / V, s.n);
  in.for_each_element([&](int v, int x, int y, int cb, int n) {
    const int c = cb * V + v;
    in(v, x, y, cb, n) = c < s.c ? value_at(x, y, c, n) : std::numeric_limits<float>::quiet_NaN();
  });
  Halide::Buffer<float> out = kernel.make_output();
  kernel.run(in, out);
  out.for_each_element([&](int x, int y, int c, int n) {
    ASSERT_EQ(out(x, y, c, n), value_at(x, y, c, n)) << s.to_string();
  });
}

TEST(LayoutKernel, NamesSpecs) {
  EXPECT_EQ(spec(true, 1, 3, 224, 224).to_string(), "to_blocked_n1_c3_224x224");
  EXPECT_EQ(spec(false, 2, 256, 6, 6).to_string(), "to_plain_n2_c256_6x6");
}

TEST(LayoutKernel, NetworkInputToBlockedBatch2Host) {
  expect_to_blocked(spec(true, 2, 3, 5, 7), Halide::get_jit_target_from_environment());
}

TEST(LayoutKernel, PartialBlockToPlainHost) {
  expect_to_plain(spec(false, 1, 20, 3, 3), Halide::get_jit_target_from_environment());
}

TEST(LayoutKernel, PartialBlockToBlockedAvx2) {
  expect_to_blocked(spec(true, 1, 20, 3, 5), Halide::Target(kAvx2Target));
}

// 6x6 planes (AlexNet's pool5) do not fill whole vectors along x.
TEST(LayoutKernel, SmallPlanesToPlainBatch3Avx2) {
  expect_to_plain(spec(false, 3, 13, 6, 6), Halide::Target(kAvx2Target));
}

}  // namespace
}  // namespace kiln::halide
