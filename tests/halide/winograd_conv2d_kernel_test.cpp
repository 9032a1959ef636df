// Winograd conv2d kernels against the direct conv2d kernel (itself checked against a naive loop
// in conv2d_kernel_test.cpp) on edge shapes, for F(2x2), F(4x4) and F(6x6), the host target and
// AVX2; and the transform matrices against the 1-D identity they must satisfy.
//
// Error metric: max |winograd - direct| over the output, divided by max |direct| (the scale a
// consumer of the tensor sees). Inputs and weights are uniform in [-1, 1], so outputs are sums
// of 9 C products. Measured on this machine (AVX-512, 2026-11-29) over these cases: F(2x2)
// <= 9.6e-7, F(4x4) <= 5.9e-6, F(6x6) <= 8.4e-6 (the largest on the 28x28, C = 64 case; AVX2
// gives the same figures). The tolerances are ~5x those maxima: rounding in the transforms grows
// with their entries (F(4x4)'s B^T has 4s and 5s, F(6x6) with the +-1/2 points stays within 2x
// of F(4x4), as Lavin reports), and an indexing or transform bug gives errors of order 1.
#include "backend/halide/winograd_conv2d_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "backend/halide/layout.h"
#include "backend/halide/winograd_transforms.h"
#include "tests/halide/random_buffer.h"

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

double tolerance(int tile) {
  switch (tile) {
    case 2:
      return 5e-6;
    case 4:
      return 3e-5;
    default:
      return 5e-5;
  }
}

// Plain tensors: input (W,H,C,N), weights (3,3,C,K), bias (K), residual (Wo,Ho,K,N).
struct Tensors {
  Halide::Buffer<float> input, weights, bias, residual;
};

Tensors random_tensors(const Conv2dSpec& s, unsigned seed) {
  std::mt19937 rng(seed);
  Tensors t;
  t.input = random_buffer({s.w, s.h, s.c, s.n}, rng);
  t.weights = random_buffer({3, 3, s.c, s.k}, rng);
  if (s.has_bias) t.bias = random_buffer({s.k}, rng);
  if (s.has_residual) t.residual = random_buffer({s.out_w(), s.out_h(), s.k, s.n}, rng);
  return t;
}

Conv2dArgs blocked_args(const Conv2dSpec& s, const Tensors& t, int block) {
  Conv2dArgs args;
  args.input = nchw_to_blocked(t.input, block);
  if (s.has_bias) args.bias = pack_bias(t.bias.data(), s.k, block);
  if (s.has_residual) args.residual = nchw_to_blocked(t.residual, block);
  return args;
}

Halide::Buffer<float> run_direct(const Conv2dSpec& s, const Tensors& t,
                                 const Halide::Target& target) {
  Conv2dKernel kernel(s, target);
  Conv2dArgs args = blocked_args(s, t, kernel.block());
  args.weights = repack_weights_oihw(t.weights, kernel.block());
  Halide::Buffer<float> out = kernel.make_output();
  kernel.run(args, out);
  return blocked_to_nchw(out, s.k);
}

Halide::Buffer<float> run_winograd(WinogradConv2dKernel& kernel, const Tensors& t) {
  const Conv2dSpec& s = kernel.spec().conv;
  Conv2dArgs args = blocked_args(s, t, kernel.block());
  args.weights = pack_winograd_weights(t.weights, kernel.spec().tile, kernel.block());
  Halide::Buffer<float> out = kernel.make_output();
  kernel.run(args, out);
  return blocked_to_nchw(out, s.k);
}

// max |got - want| / max |want|.
double relative_error(const Halide::Buffer<float>& got, const Halide::Buffer<float>& want) {
  double err = 0, scale = 0;
  want.for_each_element([&](int x, int y, int k, int n) {
    scale = std::max(scale, std::abs(double(want(x, y, k, n))));
    err = std::max(err, std::abs(double(got(x, y, k, n)) - want(x, y, k, n)));
  });
  return scale > 0 ? err / scale : err;
}

Conv2dSpec conv3x3(int n, int c, int h, int w, int k, int pad) {
  Conv2dSpec s;
  s.n = n, s.c = c, s.h = h, s.w = w, s.k = k, s.kh = s.kw = 3;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = pad;
  return s;
}

Conv2dSpec with(Conv2dSpec s, bool bias, bool residual, bool relu) {
  s.has_bias = bias;
  s.has_residual = residual;
  s.activation = relu ? Activation::kRelu : Activation::kNone;
  return s;
}

struct Case {
  std::string name;
  Conv2dSpec spec;
  int tile;
  std::string target;  // empty: host
};

std::vector<Case> cases() {
  const std::vector<std::pair<std::string, Conv2dSpec>> shapes{
      {"c20_k36_odd_9x11_bias_relu", with(conv3x3(1, 20, 9, 11, 36, 1), true, false, true)},
      {"c16_k32_pad0_13x10", conv3x3(1, 16, 13, 10, 32, 0)},
      {"c3_k8_7x7_residual_relu", with(conv3x3(1, 3, 7, 7, 8, 1), false, true, true)},
      {"batch2_c32_k48_bias_res_relu", with(conv3x3(2, 32, 14, 14, 48, 1), true, true, true)},
      {"c64_k64_single_tile_3x3", with(conv3x3(1, 64, 3, 3, 64, 1), true, false, false)},
      {"c48_k80_pad0_5x5", with(conv3x3(1, 48, 5, 5, 80, 0), true, false, true)},
      {"c64_k64_28x28_resnet", with(conv3x3(1, 64, 28, 28, 64, 1), true, false, true)},
  };
  std::vector<Case> out;
  for (int tile : {2, 4, 6}) {
    for (const auto& [name, spec] : shapes)
      out.push_back({"f" + std::to_string(tile) + "_" + name, spec, tile, ""});
  }
  for (int tile : {2, 4}) {
    out.push_back({"avx2_f" + std::to_string(tile) + "_odd", shapes[0].second, tile, kAvx2Target});
    out.push_back(
        {"avx2_f" + std::to_string(tile) + "_batch2", shapes[3].second, tile, kAvx2Target});
  }
  return out;
}

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name << " " << c.spec.to_string();
}

class WinogradConv2dKernelTest : public ::testing::TestWithParam<Case> {};

TEST_P(WinogradConv2dKernelTest, MatchesDirectKernel) {
  const Case& c = GetParam();
  const Halide::Target target =
      c.target.empty() ? Halide::get_jit_target_from_environment() : Halide::Target(c.target);
  if (!target.supported()) GTEST_SKIP() << "target not supported by this Halide build";
  WinogradConv2dKernel kernel(WinogradConv2dSpec{c.spec, c.tile}, target);
  const Tensors t = random_tensors(c.spec, 4321);
  const double err = relative_error(run_winograd(kernel, t), run_direct(c.spec, t, target));
  RecordProperty("schedule", kernel.schedule());
  RecordProperty("relative_error", std::to_string(err));
  std::printf("  %s: %s, max relative error %.2e\n", c.name.c_str(), kernel.schedule().c_str(),
              err);
  EXPECT_LE(err, tolerance(c.tile)) << kernel.schedule();
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(All, WinogradConv2dKernelTest, ::testing::ValuesIn(cases()), case_name);

// The activations other than ReLU come from the shared epilogue (conv2d_epilogue): sigmoid
// maps 0 to 0.5 and this clip maps it to 0.5, so with 36 output channels the pad lanes of the
// last block must be written 0.
TEST(WinogradConv2dKernel, AppliesEveryActivationAndKeepsPadLanesZero) {
  struct Act {
    Activation a;
    ActivationParams p;
  };
  const std::vector<Act> acts{{Activation::kSigmoid, {}},
                              {Activation::kClip, {.min = 0.5f, .max = 4.0f}},
                              {Activation::kLeakyRelu, {.alpha = 0.1f}}};
  for (const Act& act : acts) {
    Conv2dSpec s = with(conv3x3(1, 20, 9, 11, 36, 1), true, true, false);
    s.activation = act.a;
    s.activation_params = act.p;
    SCOPED_TRACE(s.to_string());
    WinogradConv2dKernel kernel(WinogradConv2dSpec{s, 4});
    const Tensors t = random_tensors(s, 99);
    Conv2dArgs args = blocked_args(s, t, kernel.block());
    args.weights = pack_winograd_weights(t.weights, 4, kernel.block());
    Halide::Buffer<float> out = kernel.make_output();
    kernel.run(args, out);
    EXPECT_LE(relative_error(blocked_to_nchw(out, s.k), run_direct(s, t, kernel.target())),
              tolerance(4));
    float pad_max = 0;
    out.for_each_element([&](const int* pos) {
      if (pos[3] * kernel.block() + pos[0] >= s.k) pad_max = std::max(pad_max, std::abs(out(pos)));
    });
    EXPECT_EQ(pad_max, 0.0f);
  }
}

// y_i = sum_k g_k d_{i+k} must equal A^T [(G g) .* (B^T d)] for random d and g, in double.
TEST(WinogradTransforms, ComputeOneDimensionalCorrelation) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  for (int m : {2, 4, 6}) {
    const WinogradTransforms& tr = winograd_transforms(m);
    ASSERT_EQ(tr.alpha, m + 2);
    std::vector<double> d(tr.alpha), g(3);
    for (double& v : d) v = dist(rng);
    for (double& v : g) v = dist(rng);
    std::vector<double> prod(tr.alpha);
    for (int j = 0; j < tr.alpha; ++j) {
      double gj = 0, dj = 0;
      for (int k = 0; k < 3; ++k) gj += tr.g(j, k) * g[k];
      for (int l = 0; l < tr.alpha; ++l) dj += tr.bt(j, l) * d[l];
      prod[j] = gj * dj;
    }
    for (int i = 0; i < m; ++i) {
      double want = 0, got = 0;
      for (int k = 0; k < 3; ++k) want += g[k] * d[i + k];
      for (int j = 0; j < tr.alpha; ++j) got += tr.at(i, j) * prod[j];
      EXPECT_NEAR(got, want, 1e-12) << "F(" << m << ",3) output " << i;
    }
  }
}

// The solved B^T of F(4,3) is the integer matrix of Lavin & Gray's paper (first row 4 0 -5 0 1 0).
TEST(WinogradTransforms, FourByFourInputTransformIsTheTextbookOne) {
  const WinogradTransforms& tr = winograd_transforms(4);
  const std::vector<double> first{4, 0, -5, 0, 1, 0};
  for (int l = 0; l < 6; ++l) EXPECT_NEAR(tr.bt(0, l), first[l], 1e-12) << l;
}

TEST(WinogradTransforms, RejectsUnsupportedTiles) {
  EXPECT_THROW(winograd_transforms(3), std::invalid_argument);
  EXPECT_THROW(winograd_transforms(8), std::invalid_argument);
}

TEST(WinogradConv2dSpec, RejectsIneligibleConvolutions) {
  Conv2dSpec s = conv3x3(1, 8, 8, 8, 8, 1);
  EXPECT_NO_THROW(validate(WinogradConv2dSpec{s, 4}));
  Conv2dSpec strided = s;
  strided.sh = strided.sw = 2;
  EXPECT_THROW(validate(WinogradConv2dSpec{strided, 4}), std::invalid_argument);
  Conv2dSpec five = s;
  five.kh = five.kw = 5;
  EXPECT_THROW(validate(WinogradConv2dSpec{five, 4}), std::invalid_argument);
  Conv2dSpec grouped = s;
  grouped.groups = 2;
  EXPECT_NE(winograd_ineligibility(grouped), "");
  EXPECT_THROW(validate(WinogradConv2dSpec{s, 5}), std::invalid_argument);
}

// Pins the tilings of the benchmarked layers (docs/benchmarks.md): a change here should come
// with new measurements.
TEST(WinogradConv2dKernel, SchedulesPickMeasuredTilings) {
  const Halide::Target avx512("x86-64-linux-avx-avx2-avx512-avx512_skylake-fma-f16c-sse41");
  auto schedule = [&](int c, int hw, int k, const Halide::Target& target) {
    return build_winograd_conv2d({conv3x3(1, c, hw, hw, k, 1), 4}, target).schedule;
  };
  EXPECT_EQ(schedule(64, 56, 64, avx512), "avx512 F(4x4,3x3) gemm tile 2x14 task 1 rows x 4 kb");
  EXPECT_EQ(schedule(128, 28, 128, avx512), "avx512 F(4x4,3x3) gemm tile 2x14 task 4 rows x 4 kb");
  EXPECT_EQ(schedule(256, 14, 256, avx512), "avx512 F(4x4,3x3) gemm tile 4x4 task 4 rows x 4 kb");
  EXPECT_EQ(schedule(256, 56, 256, avx512), "avx512 F(4x4,3x3) gemm tile 2x14 task 2 rows x 16 kb");
  EXPECT_EQ(schedule(64, 56, 64, Halide::Target(kAvx2Target)),
            "avx2 F(4x4,3x3) gemm tile 2x6 task 2 rows x 8 kb");
}

TEST(WinogradConv2dSpec, KeyDiffersFromTheDirectKernelAndAcrossTiles) {
  const Conv2dSpec s = conv3x3(1, 64, 56, 56, 64, 1);
  EXPECT_NE(WinogradConv2dSpec({s, 4}).to_string(), s.to_string());
  EXPECT_NE(WinogradConv2dSpec({s, 4}).to_string(), WinogradConv2dSpec({s, 2}).to_string());
}

}  // namespace
}  // namespace kiln::halide
