// JIT-compiles softmax kernels over the last axis of [N, K] and compares them with a naive
// loop: 1000 classes with logits large enough to overflow exp() without the max subtraction,
// and a row shorter than one vector; host target and AVX2.
#include "backend/halide/softmax_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

void expect_matches_naive(const SoftmaxSpec& s, const Halide::Target& target, float offset,
                          bool in_place) {
  SoftmaxKernel kernel(s, target);
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> dist(-10.0f, 10.0f);
  Halide::Buffer<float> x(s.k, s.n);
  x.for_each_value([&](float& v) { v = offset + dist(rng); });
  const Halide::Buffer<float> original = x.copy();
  Halide::Buffer<float> out = in_place ? x : kernel.make_output();
  kernel.run(x, out);
  for (int n = 0; n < s.n; ++n) {
    double max = original(0, n), sum = 0, total = 0;
    for (int k = 0; k < s.k; ++k) max = std::max(max, double(original(k, n)));
    for (int k = 0; k < s.k; ++k) sum += std::exp(original(k, n) - max);
    for (int k = 0; k < s.k; ++k) {
      const double want = std::exp(original(k, n) - max) / sum;
      ASSERT_NEAR(out(k, n), want, 1e-6 * want + 1e-9) << s.to_string() << " k=" << k;
      total += out(k, n);
    }
    EXPECT_NEAR(total, 1.0, 1e-5);
  }
}

SoftmaxSpec spec(int n, int k) {
  SoftmaxSpec s;
  s.n = n, s.k = k;
  return s;
}

TEST(SoftmaxKernel, NamesSpecs) {
  EXPECT_EQ(spec(1, 1000).to_string(), "softmax_n1_k1000");
  EXPECT_DOUBLE_EQ(spec(2, 1000).flops(), 6000.0);
}

// Logits around 1000: exp() of any of them alone is inf in float.
TEST(SoftmaxKernel, LargeLogits1000ClassesBatch3Host) {
  expect_matches_naive(spec(3, 1000), Halide::get_jit_target_from_environment(), 1000.0f, false);
}

TEST(SoftmaxKernel, RowShorterThanAVectorInPlaceAvx2) {
  expect_matches_naive(spec(2, 5), Halide::Target(kAvx2Target), 0.0f, true);
}

}  // namespace
}  // namespace kiln::halide
