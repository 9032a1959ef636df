// JIT-compiles conv2d kernels for edge shapes and compares them with a naive NCHW loop, for the
// host target (AVX-512 schedule on AVX-512 machines) and an explicit AVX2 target.
#include "backend/halide/conv2d_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "backend/halide/layout.h"
#include "tests/halide/random_buffer.h"

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";
constexpr const char* kAvx512Target = "x86-64-linux-avx-avx2-avx512-avx512_skylake-fma-f16c-sse41";

// Plain NCHW tensors of the test, with the conversions the graph lowering will use.
struct Tensors {
  Halide::Buffer<float> input, weights, bias,
      residual;  // (W,H,C,N), (kw,kh,C/g,K), (K), (Wo,Ho,K,N)
};

Tensors random_tensors(const Conv2dSpec& s, unsigned seed) {
  std::mt19937 rng(seed);
  Tensors t;
  t.input = random_buffer({s.w, s.h, s.c, s.n}, rng);
  t.weights = random_buffer({s.kw, s.kh, s.c / s.groups, s.k}, rng);
  if (s.has_bias) t.bias = random_buffer({s.k}, rng);
  if (s.has_residual) t.residual = random_buffer({s.out_w(), s.out_h(), s.k, s.n}, rng);
  return t;
}

// The activations written out by hand.
double naive_activation(Activation a, const ActivationParams& p, double x) {
  switch (a) {
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

// The textbook definition, accumulated in double: the oracle for every kernel.
Halide::Buffer<float> reference_conv2d(const Conv2dSpec& s, const Tensors& t) {
  const int cg = s.c / s.groups, kg = s.k / s.groups;
  Halide::Buffer<float> out(s.out_w(), s.out_h(), s.k, s.n);
  out.for_each_element([&](int x, int y, int k, int n) {
    double acc = s.has_bias ? t.bias(k) : 0.0;
    for (int ci = 0; ci < cg; ++ci) {
      for (int ky = 0; ky < s.kh; ++ky) {
        for (int kx = 0; kx < s.kw; ++kx) {
          const int iy = y * s.sh + ky * s.dh - s.pad_top;
          const int ix = x * s.sw + kx * s.dw - s.pad_left;
          if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
          acc += double(t.input(ix, iy, (k / kg) * cg + ci, n)) * t.weights(kx, ky, ci, k);
        }
      }
    }
    if (s.has_residual) acc += t.residual(x, y, k, n);
    out(x, y, k, n) = float(naive_activation(s.activation, s.activation_params, acc));
  });
  return out;
}

// Runs the kernel on NCHW tensors through the layout helpers; returns NCHW.
Halide::Buffer<float> run_kernel(Conv2dKernel& kernel, const Tensors& t) {
  const Conv2dSpec& s = kernel.spec();
  const int block = kernel.block();
  Conv2dArgs args;
  args.input = nchw_to_blocked(t.input, block);
  args.weights = repack_weights_oihw(t.weights, block);
  if (s.has_bias) args.bias = pack_bias(t.bias.data(), s.k, block);
  if (s.has_residual) args.residual = nchw_to_blocked(t.residual, block);
  Halide::Buffer<float> out = kernel.make_output();
  kernel.run(args, out);
  return blocked_to_nchw(out, s.k);
}

void expect_close(const Halide::Buffer<float>& got, const Halide::Buffer<float>& want) {
  int mismatches = 0;
  want.for_each_element([&](int x, int y, int k, int n) {
    const float g = got(x, y, k, n), w = want(x, y, k, n);
    const float tolerance = 1e-4f * std::max(1.0f, std::abs(w));
    if (!(std::abs(g - w) <= tolerance) && mismatches++ < 5) {
      ADD_FAILURE() << "at (n=" << n << ", k=" << k << ", y=" << y << ", x=" << x << "): got " << g
                    << ", want " << w;
    }
  });
  EXPECT_EQ(mismatches, 0);
}

Conv2dSpec make_spec(int n, int c, int h, int w, int k, int kh, int kw, int stride,
                     std::vector<int> pads /* top, left, bottom, right */) {
  Conv2dSpec s;
  s.n = n, s.c = c, s.h = h, s.w = w, s.k = k, s.kh = kh, s.kw = kw;
  s.sh = s.sw = stride;
  s.pad_top = pads[0], s.pad_left = pads[1], s.pad_bottom = pads[2], s.pad_right = pads[3];
  return s;
}

Conv2dSpec bias_relu(Conv2dSpec s) {
  s.has_bias = true;
  s.activation = Activation::kRelu;
  return s;
}

Conv2dSpec grouped(Conv2dSpec s, int groups) {
  s.groups = groups;
  return s;
}

Conv2dSpec dilated(Conv2dSpec s, int d) {
  s.dh = s.dw = d;
  return s;
}

Conv2dSpec residual_relu(Conv2dSpec s) {
  s.has_residual = true;
  s.activation = Activation::kRelu;
  return s;
}

// ReLU6 with a bias; clip bounds from (lo, hi).
Conv2dSpec bias_clip(Conv2dSpec s, float lo, float hi) {
  s.has_bias = true;
  s.activation = Activation::kClip;
  s.activation_params.min = lo, s.activation_params.max = hi;
  return s;
}

Conv2dSpec leaky(Conv2dSpec s, float alpha) {
  s.activation = Activation::kLeakyRelu;
  s.activation_params.alpha = alpha;
  return s;
}

Conv2dSpec sigmoid(Conv2dSpec s) {
  s.activation = Activation::kSigmoid;
  return s;
}

struct Case {
  std::string name;
  Conv2dSpec spec;
  std::string target;  // empty: host
};

std::vector<Case> host_cases() {
  return {
      {"pointwise_c20_k20", make_spec(1, 20, 7, 5, 20, 1, 1, 1, {0, 0, 0, 0}), ""},
      {"k3_odd_bias_relu", bias_relu(make_spec(1, 16, 9, 11, 32, 3, 3, 1, {1, 1, 1, 1})), ""},
      {"k3_s2_asym_pad_c3", bias_relu(make_spec(1, 3, 10, 9, 20, 3, 3, 2, {0, 1, 1, 0})), ""},
      {"k5_p2", bias_relu(make_spec(1, 8, 12, 12, 16, 5, 5, 1, {2, 2, 2, 2})), ""},
      {"k7_s2_stem", bias_relu(make_spec(1, 3, 15, 17, 16, 7, 7, 2, {3, 3, 3, 3})), ""},
      {"k11_s4_alexnet", bias_relu(make_spec(1, 3, 31, 31, 24, 11, 11, 4, {2, 2, 2, 2})), ""},
      {"k3_dilation2", dilated(make_spec(1, 16, 10, 10, 16, 3, 3, 1, {2, 2, 2, 2}), 2), ""},
      {"groups2_block_aligned", grouped(make_spec(1, 32, 6, 7, 64, 3, 3, 1, {1, 1, 1, 1}), 2), ""},
      {"groups2_unaligned", grouped(make_spec(1, 20, 6, 7, 12, 3, 3, 1, {1, 1, 1, 1}), 2), ""},
      {"depthwise_c20", bias_relu(grouped(make_spec(1, 20, 8, 9, 20, 3, 3, 1, {1, 1, 1, 1}), 20)),
       ""},
      {"depthwise_mult2_s2", grouped(make_spec(1, 24, 9, 9, 48, 3, 3, 2, {1, 1, 1, 1}), 24), ""},
      {"batch3_residual_relu", residual_relu(make_spec(3, 5, 6, 6, 7, 3, 3, 1, {1, 1, 1, 1})), ""},
      {"pointwise_bias_residual_relu",
       bias_relu(residual_relu(make_spec(1, 32, 8, 8, 48, 1, 1, 1, {0, 0, 0, 0}))), ""},
      {"single_output_pixel", make_spec(1, 16, 3, 3, 64, 3, 3, 1, {0, 0, 0, 0}), ""},
      {"k3_c64_batch2", bias_relu(make_spec(2, 64, 14, 14, 64, 3, 3, 1, {1, 1, 1, 1})), ""},
      {"pointwise_s2_downsample", make_spec(1, 32, 8, 8, 64, 1, 1, 2, {0, 0, 0, 0}), ""},
      // Two rows per task over an odd height: the last task is shifted up and overlaps.
      {"pointwise_batch3_odd_rows",
       residual_relu(make_spec(3, 24, 9, 10, 40, 1, 1, 1, {0, 0, 0, 0})), ""},
      {"k1x7_inception", make_spec(1, 16, 7, 9, 16, 1, 7, 1, {0, 3, 0, 3}), ""},
      {"pad_wider_than_kernel", bias_relu(make_spec(1, 4, 3, 4, 4, 1, 1, 1, {2, 2, 2, 2})), ""},
      // Late-layer shapes: whole-image tasks (see SchedulesPickMeasuredTiles).
      {"late_layer_7x7_k512", residual_relu(make_spec(2, 32, 7, 7, 512, 3, 3, 1, {1, 1, 1, 1})),
       ""},
      {"late_layer_7x7_c20", make_spec(1, 20, 7, 7, 512, 1, 1, 1, {0, 0, 0, 0}), ""},
      // Whole-image pointwise tasks, two input blocks per row visit (AVX-512: 4 blocks of 16;
      // AVX2: 8 of 8), and an odd block count that keeps one block per visit.
      {"late_pointwise_7x7_block_pairs",
       bias_relu(residual_relu(make_spec(2, 64, 7, 7, 512, 1, 1, 1, {0, 0, 0, 0}))), ""},
      {"late_pointwise_7x7_odd_blocks", make_spec(1, 48, 7, 7, 512, 1, 1, 1, {0, 0, 0, 0}), ""},
      {"k3_bias_relu6", bias_clip(make_spec(1, 16, 9, 11, 32, 3, 3, 1, {1, 1, 1, 1}), 0, 0.5f), ""},
      {"k3_s2_raised_clip_k20",
       bias_clip(make_spec(1, 3, 10, 9, 20, 3, 3, 2, {0, 1, 1, 0}), 0.1f, 0.4f), ""},
      {"batch3_residual_leaky",
       leaky(residual_relu(make_spec(3, 5, 6, 6, 7, 3, 3, 1, {1, 1, 1, 1})), 0.1f), ""},
      {"pointwise_sigmoid_k20", sigmoid(make_spec(1, 20, 7, 5, 20, 1, 1, 1, {0, 0, 0, 0})), ""},
      // Weights outweigh the activations: one task over all rows per channel tile.
      {"pointwise_weight_heavy_batch2",
       residual_relu(make_spec(2, 384, 9, 9, 384, 1, 1, 1, {0, 0, 0, 0})), ""},
      {"pointwise_weight_heavy_s2", make_spec(1, 512, 19, 19, 512, 1, 1, 2, {0, 0, 0, 0}), ""},
      // Strided window with 1.2 MB of weights: two bands of rows, the second shifted up to
      // overlap the first on the odd output height, with vertical padding.
      {"k3_s2_two_bands_padded", bias_relu(make_spec(1, 256, 17, 19, 128, 3, 3, 2, {1, 1, 1, 1})),
       ""},
  };
}

std::vector<Case> avx2_cases() {
  std::vector<Case> cases;
  for (const Case& c : host_cases()) {
    for (const char* name :
         {"k3_odd_bias_relu", "k3_s2_asym_pad_c3", "k11_s4_alexnet", "groups2_unaligned",
          "depthwise_c20", "batch3_residual_relu", "k3_c64_batch2", "late_layer_7x7_k512",
          "k3_s2_raised_clip_k20", "batch3_residual_leaky", "pointwise_sigmoid_k20",
          "pointwise_weight_heavy_batch2", "k3_s2_two_bands_padded"}) {
      if (c.name == name) cases.push_back({"avx2_" + c.name, c.spec, kAvx2Target});
    }
  }
  return cases;
}

// Readable test failures instead of gtest's byte dump of the parameter.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name << " " << c.spec.to_string();
}

class Conv2dKernelTest : public ::testing::TestWithParam<Case> {};

TEST_P(Conv2dKernelTest, MatchesNaiveLoop) {
  const Case& c = GetParam();
  const Halide::Target target =
      c.target.empty() ? Halide::get_jit_target_from_environment() : Halide::Target(c.target);
  if (!target.supported()) GTEST_SKIP() << "target not supported by this Halide build";
  Conv2dKernel kernel(c.spec, target);
  EXPECT_EQ(kernel.block(), channel_block(target));
  RecordProperty("schedule", kernel.schedule());
  const Tensors t = random_tensors(c.spec, 1234);
  expect_close(run_kernel(kernel, t), reference_conv2d(c.spec, t));
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Host, Conv2dKernelTest, ::testing::ValuesIn(host_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Avx2, Conv2dKernelTest, ::testing::ValuesIn(avx2_cases()), case_name);

// Pins the tiles the cost models pick for representative ResNet-50 layers (the benchmarked
// choices): a change here should come with new measurements.
TEST(Conv2dKernel, SchedulesPickMeasuredTiles) {
  const Halide::Target avx512(kAvx512Target);
  const Halide::Target avx2(kAvx2Target);
  const Conv2dSpec late = make_spec(1, 512, 7, 7, 512, 3, 3, 1, {1, 1, 1, 1});
  const Conv2dSpec early = make_spec(1, 64, 56, 56, 64, 3, 3, 1, {1, 1, 1, 1});
  const Conv2dSpec stem = make_spec(1, 3, 224, 224, 64, 7, 7, 2, {3, 3, 3, 3});
  // 2x7, not 3x7: 16 tasks divide evenly over 2 and 4 threads, 11 do not.
  EXPECT_EQ(build_conv2d(late, avx512).schedule, "avx512 image tile 2x7 prefetch-weights");
  const Conv2dSpec late_expanding = make_spec(1, 512, 7, 7, 2048, 1, 1, 1, {0, 0, 0, 0});
  EXPECT_EQ(build_conv2d(late_expanding, avx512).schedule,
            "avx512 image tile 3x7 by 2 blocks prefetch-weights");  // 43 tasks
  EXPECT_EQ(build_conv2d(late_expanding, avx2).schedule, "avx2 image tile 2x7 prefetch-weights");
  EXPECT_EQ(build_conv2d(late, avx2).schedule, "avx2 image tile 2x7");
  EXPECT_EQ(build_conv2d(early, avx512).schedule, "avx512 rows tile 2x14");
  EXPECT_EQ(build_conv2d(early, avx2).schedule, "avx2 rows tile 2x6");
  EXPECT_EQ(build_conv2d(stem, avx512).schedule, "avx512 rows tile 4x6");
  EXPECT_EQ(build_conv2d(stem, avx2).schedule, "avx2 rows tile 2x6");
  const Conv2dSpec pointwise = make_spec(1, 256, 56, 56, 64, 1, 1, 1, {0, 0, 0, 0});
  EXPECT_EQ(build_conv2d(pointwise, avx512).schedule, "avx512 rows2 tile 2x14 prefetch");
  const Conv2dSpec expanding = make_spec(1, 64, 56, 56, 256, 1, 1, 1, {0, 0, 0, 0});
  EXPECT_EQ(build_conv2d(expanding, avx512).schedule, "avx512 rows2 tile 2x14");
  const Conv2dSpec downsample = make_spec(1, 256, 56, 56, 512, 1, 1, 2, {0, 0, 0, 0});
  EXPECT_EQ(build_conv2d(downsample, avx512).schedule, "avx512 rows2 tile 4x4 prefetch");
  // Weights (1 MiB) outweigh the activations (1 MB): one task per channel tile, all rows.
  const Conv2dSpec weight_heavy = make_spec(1, 256, 14, 14, 1024, 1, 1, 1, {0, 0, 0, 0});
  EXPECT_EQ(build_conv2d(weight_heavy, avx512).schedule,
            "avx512 rows14 tile 2x14 prefetch-next-tile");
  const Conv2dSpec strided = make_spec(1, 512, 28, 28, 1024, 1, 1, 2, {0, 0, 0, 0});
  EXPECT_EQ(build_conv2d(strided, avx512).schedule,
            "avx512 rows14 tile 3x7 prefetch prefetch-next-tile");
  const Conv2dSpec activation_heavy = make_spec(1, 128, 28, 28, 512, 1, 1, 1, {0, 0, 0, 0});
  EXPECT_EQ(build_conv2d(activation_heavy, avx512).schedule, "avx512 rows2 tile 2x14");
  const Conv2dSpec strided_3x3 = make_spec(1, 256, 28, 28, 256, 3, 3, 2, {1, 1, 1, 1});
  EXPECT_EQ(build_conv2d(strided_3x3, avx512).schedule, "avx512 rows7 tile 2x14");
  // kx unrolled and every input column used: strided broadcasts cost what unit-stride ones do,
  // so the wide tile (the stem above and the 1x1/2 downsamples keep their squarer ones).
  const Conv2dSpec strided_3x3_early = make_spec(1, 128, 56, 56, 128, 3, 3, 2, {1, 1, 1, 1});
  EXPECT_EQ(build_conv2d(strided_3x3_early, avx512).schedule, "avx512 rows tile 2x14");
  const Conv2dSpec strided_3x3_late = make_spec(1, 512, 14, 14, 512, 3, 3, 2, {1, 1, 1, 1});
  EXPECT_EQ(build_conv2d(strided_3x3_late, avx512).schedule,
            "avx512 image tile 2x7 prefetch-weights");
}

// The schedules for `spec` on AVX-512 and AVX2 both contain `part`.
void expect_both_schedules_contain(const Conv2dSpec& spec, const std::string& part,
                                   const std::string& what) {
  for (const char* target : {kAvx512Target, kAvx2Target}) {
    EXPECT_NE(build_conv2d(spec, Halide::Target(target)).schedule.find(part), std::string::npos)
        << what << " on " << target;
  }
}

TEST(Conv2dKernel, WeightHeavyCasesRunAllRowsPerTask) {
  for (const Case& c : host_cases()) {
    if (c.name.find("weight_heavy") == std::string::npos) continue;
    expect_both_schedules_contain(c.spec, "rows" + std::to_string(c.spec.out_h()) + " ", c.name);
  }
}

TEST(Conv2dKernel, WeightHeavyPointwiseKeepsEnoughTasks) {
  // GoogLeNet's 832->128 at 7x7: weights outweigh activations, but all rows per task would
  // leave 4 tasks; it keeps two-row tasks.
  const Conv2dSpec s = make_spec(1, 832, 7, 7, 128, 1, 1, 1, {0, 0, 0, 0});
  const std::string schedule = build_conv2d(s, Halide::Target(kAvx512Target)).schedule;
  EXPECT_NE(schedule.find("rows2 "), std::string::npos) << schedule;
}

TEST(Conv2dKernel, WeightHeavyStridedWindowsRunTwoBandsOfRows) {
  const Conv2dSpec s = bias_relu(make_spec(1, 256, 17, 19, 128, 3, 3, 2, {1, 1, 1, 1}));
  expect_both_schedules_contain(s, "rows5 ", "3x3/2 256->128");
}

TEST(Conv2dKernel, AvxTwoTargetUsesEightLaneBlocks) {
  EXPECT_EQ(channel_block(Halide::Target(kAvx2Target)), 8);
  EXPECT_EQ(channel_block(Halide::Target(kAvx512Target)), 16);
}

TEST(Conv2dKernel, RejectsMissingOrUnexpectedBuffers) {
  Conv2dSpec s = bias_relu(make_spec(1, 4, 4, 4, 4, 1, 1, 1, {0, 0, 0, 0}));
  Conv2dKernel kernel(s, Halide::Target(kAvx2Target));
  Tensors t = random_tensors(s, 1);
  Conv2dArgs args;
  args.input = nchw_to_blocked(t.input, 8);
  args.weights = repack_weights_oihw(t.weights, 8);
  Halide::Buffer<float> out = kernel.make_output();
  EXPECT_THROW(kernel.run(args, out), std::invalid_argument);  // bias missing
  args.bias = pack_bias(t.bias.data(), s.k, 8);
  args.residual = out;
  EXPECT_THROW(kernel.run(args, out), std::invalid_argument);  // residual not in the spec
  args.residual = Halide::Buffer<float>();
  args.input = make_blocked(1, 4, 5, 4, 8);  // wrong height
  EXPECT_THROW(kernel.run(args, out), std::runtime_error);
}

TEST(Conv2dSpec, ValidateRejectsInconsistentShapes) {
  EXPECT_NO_THROW(validate(make_spec(1, 3, 5, 5, 8, 3, 3, 1, {1, 1, 1, 1})));
  EXPECT_THROW(validate(make_spec(1, 3, 2, 2, 8, 3, 3, 1, {0, 0, 0, 0})), std::invalid_argument);
  // One row short of the window with stride 2: truncating division would have said 1 output.
  EXPECT_THROW(validate(make_spec(1, 3, 2, 2, 8, 3, 3, 2, {0, 0, 0, 0})), std::invalid_argument);
  EXPECT_THROW(validate(grouped(make_spec(1, 6, 5, 5, 8, 3, 3, 1, {1, 1, 1, 1}), 4)),
               std::invalid_argument);
  EXPECT_THROW(validate(make_spec(1, 3, 5, 5, 8, 3, 3, 0, {1, 1, 1, 1})), std::invalid_argument);
  EXPECT_THROW(validate(make_spec(1, 3, 5, 5, 8, 3, 3, 1, {-1, 1, 1, 1})), std::invalid_argument);
}

TEST(Conv2dSpec, ToStringIsAnUnambiguousKey) {
  const Conv2dSpec a = make_spec(1, 3, 20, 20, 8, 3, 3, 1, {1, 11, 1, 1});
  const Conv2dSpec b = make_spec(1, 3, 20, 20, 8, 3, 3, 1, {11, 1, 1, 1});
  EXPECT_NE(a.to_string(), b.to_string());
  EXPECT_EQ(bias_relu(make_spec(1, 64, 56, 56, 64, 3, 3, 1, {1, 1, 1, 1})).to_string(),
            "n1_c64_56x56_k64_3x3_s1x1_p1x1x1x1_d1x1_g1_bias_relu");
}

// 20 output channels leave pad lanes in the last block; sigmoid(0) = 0.5 must not reach them.
TEST(Conv2dKernel, SigmoidKeepsOutputPadLanesZero) {
  const Conv2dSpec s = sigmoid(make_spec(1, 20, 4, 4, 20, 1, 1, 1, {0, 0, 0, 0}));
  Conv2dKernel kernel(s);
  const Tensors t = random_tensors(s, 7);
  Conv2dArgs args;
  args.input = nchw_to_blocked(t.input, kernel.block());
  args.weights = repack_weights_oihw(t.weights, kernel.block());
  Halide::Buffer<float> out = kernel.make_output();
  out.fill(1.0f);
  kernel.run(args, out);
  int nonzero_pad = 0;
  out.for_each_element([&](int v, int, int, int kb, int) {
    if (kb * kernel.block() + v >= s.k && out(v, 0, 0, kb, 0) != 0.0f) ++nonzero_pad;
  });
  EXPECT_EQ(nonzero_pad, 0);
}

// Activation parameters are part of the key, exactly: the nearest floats differ.
TEST(Conv2dSpec, ToStringSpellsActivationParameters) {
  const Conv2dSpec base = make_spec(1, 64, 56, 56, 64, 3, 3, 1, {1, 1, 1, 1});
  EXPECT_EQ(bias_clip(base, 0, 6).to_string(),
            "n1_c64_56x56_k64_3x3_s1x1_p1x1x1x1_d1x1_g1_bias_clip0_6");
  EXPECT_EQ(leaky(base, 0.01f).to_string(), "n1_c64_56x56_k64_3x3_s1x1_p1x1x1x1_d1x1_g1_leaky0p01");
  EXPECT_EQ(sigmoid(base).to_string(), "n1_c64_56x56_k64_3x3_s1x1_p1x1x1x1_d1x1_g1_sigmoid");
  EXPECT_NE(bias_clip(base, 0, 6).to_string(),
            bias_clip(base, 0, std::nextafter(6.0f, 7.0f)).to_string());
  EXPECT_NE(bias_clip(base, -1, 1).to_string(), bias_clip(base, 1, 1).to_string());
  Conv2dSpec stray = base;
  stray.activation_params.alpha = 0.5f;  // no leaky_relu to use it
  EXPECT_THROW(validate(stray), std::invalid_argument);
}

TEST(Conv2dSpec, CountsFlopsAndOutputShape) {
  Conv2dSpec s = make_spec(1, 64, 56, 56, 64, 3, 3, 1, {1, 1, 1, 1});
  EXPECT_EQ(s.out_h(), 56);
  EXPECT_EQ(s.out_w(), 56);
  EXPECT_DOUBLE_EQ(s.flops(), 2.0 * 56 * 56 * 64 * 64 * 9);
  Conv2dSpec t = make_spec(1, 3, 224, 224, 64, 7, 7, 2, {3, 3, 3, 3});
  EXPECT_EQ(t.out_w(), 112);
  EXPECT_EQ(dilated(make_spec(1, 1, 10, 10, 1, 3, 3, 1, {0, 0, 0, 0}), 2).out_w(), 6);
}

}  // namespace
}  // namespace kiln::halide
