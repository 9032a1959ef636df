// JIT-compiles dense kernels whose output count is not a multiple of the vector width, for
// batch 1, 3 and 5 (a partial row tile), with and without bias and relu, for the host target
// and AVX2, and compares them with a naive loop; and checks the packed weight layout.
#include "backend/halide/dense_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "backend/halide/layout.h"
#include "tests/halide/random_buffer.h"

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

DenseSpec spec(int n, int in, int out, bool bias, Activation act, ActivationParams params = {}) {
  DenseSpec s;
  s.n = n, s.in = in, s.out = out;
  s.has_bias = bias;
  s.activation = act;
  s.activation_params = params;
  return s;
}

// The activations written out by hand.
double naive_activation(const DenseSpec& s, double x) {
  const ActivationParams& p = s.activation_params;
  switch (s.activation) {
    case Activation::kNone:
      return x;
    case Activation::kRelu:
      return std::max(x, 0.0);
    case Activation::kClip:
      return std::min(std::max(x, double(p.min)), double(p.max));
    case Activation::kLeakyRelu:
      return x < 0 ? p.alpha * x : x;
    case Activation::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
  }
  return x;
}

void expect_matches_naive(DenseKernel& kernel) {
  const DenseSpec& s = kernel.spec();
  const Halide::Buffer<float> x = random_buffer({s.in, s.n}, 1);
  const Halide::Buffer<float> w = random_buffer({s.in, s.out}, 2);  // IR layout [out][in]
  const Halide::Buffer<float> b = random_buffer({s.out}, 3);
  DenseArgs args;
  args.input = x;
  args.weights = pack_dense_weights(w, kernel.block());
  if (s.has_bias) args.bias = pack_bias(b.data(), s.out, kernel.block());
  Halide::Buffer<float> out = kernel.make_output();
  kernel.run(args, out);
  for (int n = 0; n < s.n; ++n) {
    for (int o = 0; o < s.out; ++o) {
      double acc = s.has_bias ? b(o) : 0.0;
      for (int i = 0; i < s.in; ++i) acc += double(x(i, n)) * w(i, o);
      acc = naive_activation(s, acc);
      ASSERT_NEAR(out(o, n), acc, 1e-5 * std::max(1.0, std::abs(acc)))
          << s.to_string() << " o=" << o << " n=" << n;
    }
  }
}

TEST(DenseKernel, NamesSpecs) {
  const DenseSpec s = spec(1, 9216, 4096, true, Activation::kRelu);
  EXPECT_EQ(s.to_string(), "dense_n1_in9216_out4096_bias_relu");
  EXPECT_DOUBLE_EQ(s.flops(), 2.0 * 9216 * 4096);
}

// [ceil(out/V)][in][V]: V consecutive output features per input feature, zero past out.
TEST(DenseKernel, PackedWeightsPutOutputFeaturesInLanes) {
  const int out = 11, in = 3, block = 8;
  Halide::Buffer<float> w(in, out);
  w.for_each_element([&](int i, int o) { w(i, o) = float(100 * o + i + 1); });
  const Halide::Buffer<float> packed = pack_dense_weights(w, block);
  ASSERT_EQ(packed.dim(0).extent(), block);
  ASSERT_EQ(packed.dim(1).extent(), in);
  ASSERT_EQ(packed.dim(2).extent(), 2);
  EXPECT_EQ(packed.number_of_elements(), packed_dense_weights_size(out, in, block));
  EXPECT_EQ(packed(2, 1, 1), w(1, 10));  // feature 10 = block 1 lane 2
  EXPECT_EQ(packed(3, 2, 1), 0.0f);      // feature 11 does not exist
}

TEST(DenseKernel, BiasReluBatch3Host) {
  DenseKernel kernel(spec(3, 50, 37, true, Activation::kRelu),
                     Halide::get_jit_target_from_environment());
  expect_matches_naive(kernel);
}

TEST(DenseKernel, NoBiasBatch1Avx2RejectsABias) {
  DenseKernel kernel(spec(1, 33, 37, false, Activation::kNone), Halide::Target(kAvx2Target));
  expect_matches_naive(kernel);
  DenseArgs args;
  args.input = random_buffer({33, 1}, 1);
  args.weights = random_buffer({8, 33, 5}, 2);
  args.bias = random_buffer({40}, 3);
  Halide::Buffer<float> out = kernel.make_output();
  EXPECT_THROW(kernel.run(args, out), std::invalid_argument);
}

TEST(DenseKernel, ClipLeakySigmoidHostAndAvx2) {
  ActivationParams clip, slope;
  clip.min = -0.5f, clip.max = 0.75f;
  slope.alpha = 0.2f;
  const Halide::Target host = Halide::get_jit_target_from_environment();
  DenseKernel clipped(spec(2, 40, 19, true, Activation::kClip, clip), host);
  expect_matches_naive(clipped);
  DenseKernel leaky(spec(3, 25, 21, false, Activation::kLeakyRelu, slope),
                    Halide::Target(kAvx2Target));
  expect_matches_naive(leaky);
  DenseKernel sigmoid(spec(1, 30, 10, true, Activation::kSigmoid), host);
  expect_matches_naive(sigmoid);
  EXPECT_EQ(clipped.spec().to_string(), "dense_n2_in40_out19_bias_clipm0p5_0p75");
}

// Five rows in tiles of four: the last row tile shifts inwards and overlaps the first.
TEST(DenseKernel, BiasBatch5Avx2) {
  DenseKernel kernel(spec(5, 20, 20, true, Activation::kNone), Halide::Target(kAvx2Target));
  expect_matches_naive(kernel);
}

}  // namespace
}  // namespace kiln::halide
