// JIT-compiles add (+activation) and standalone activation kernels (relu, clip, leaky_relu,
// sigmoid) on blocked and plain tensors whose sizes are not multiples of the vector width,
// including in-place runs, for the host target and AVX2; and checks the AOT entry point
// (object + header) that the code generator links.
#include "backend/halide/eltwise_kernel.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace kiln::halide {
namespace {

constexpr const char* kAvx2Target = "x86-64-linux-avx-avx2-fma-f16c-sse41";

Halide::Buffer<float> random_like(const Halide::Buffer<float>& shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Halide::Buffer<float> buf = shape.copy();
  buf.for_each_value([&](float& v) { v = dist(rng); });
  return buf;
}

EltwiseSpec spec(EltwiseOp op, int n, int c, int h, int w, Activation act, bool blocked,
                 ActivationParams params = {}) {
  EltwiseSpec s;
  s.op = op, s.n = n, s.c = c, s.h = h, s.w = w;
  s.activation = act;
  s.activation_params = params;
  s.blocked = blocked;
  return s;
}

ActivationParams clip_params(float min, float max) {
  ActivationParams p;
  p.min = min, p.max = max;
  return p;
}

ActivationParams leaky_params(float alpha) {
  ActivationParams p;
  p.alpha = alpha;
  return p;
}

// The activations written out by hand, in f32 like the kernels (sigmoid in double).
float naive_activation(const EltwiseSpec& s, float x) {
  const ActivationParams& p = s.activation_params;
  switch (s.activation) {
    case Activation::kNone:
      return x;
    case Activation::kRelu:
      return std::max(x, 0.0f);
    case Activation::kClip:
      return std::min(std::max(x, p.min), p.max);
    case Activation::kLeakyRelu:
      return x < 0 ? p.alpha * x : x;
    case Activation::kSigmoid:
      return float(1.0 / (1.0 + std::exp(-double(x))));
  }
  return x;
}

// Channel of flat element i in the blocked layout (V, W, H, ceil(C/V), N).
int blocked_channel(const EltwiseSpec& s, int block, size_t i) {
  const size_t per_block = size_t(block) * s.w * s.h;
  return int((i / per_block) % size_t((s.c + block - 1) / block)) * block + int(i % block);
}

// Every element is the op applied to the same element of the inputs; pad lanes stay zero when
// the activation maps zero elsewhere. Exact except sigmoid, whose exp is Halide's polynomial.
void expect_matches_naive(EltwiseKernel& kernel, bool in_place) {
  const EltwiseSpec& s = kernel.spec();
  Halide::Buffer<float> out = kernel.make_output();
  const Halide::Buffer<float> a = random_like(out, 1), b = random_like(out, 2);
  std::vector<Halide::Buffer<float>> inputs{a.copy()};
  if (s.op == EltwiseOp::kAdd) inputs.push_back(b);
  if (in_place) out = inputs[0];  // the same memory as input a
  kernel.run(inputs, out);
  const double tolerance = s.activation == Activation::kSigmoid ? 1e-6 : 0.0;
  // All buffers are dense and of one shape, so elements correspond by flat index.
  for (size_t i = 0; i < out.number_of_elements(); ++i) {
    const float x = s.op == EltwiseOp::kAdd ? a.data()[i] + b.data()[i] : a.data()[i];
    float want = naive_activation(s, x);
    if (s.blocked && blocked_channel(s, kernel.block(), i) >= s.c && naive_activation(s, 0) != 0)
      want = 0;
    ASSERT_NEAR(out.data()[i], want, tolerance) << s.to_string() << " at " << i;
  }
}

TEST(EltwiseKernel, NamesAndValidatesSpecs) {
  EXPECT_EQ(spec(EltwiseOp::kAdd, 1, 256, 56, 56, Activation::kRelu, true).to_string(),
            "add_n1_c256_56x56_relu");
  EXPECT_EQ(spec(EltwiseOp::kActivation, 1, 64, 7, 7, Activation::kRelu, false).to_string(),
            "relu_n1_c64_7x7_plain");
  EXPECT_EQ(spec(EltwiseOp::kActivation, 1, 32, 7, 7, Activation::kClip, true, clip_params(0, 6))
                .to_string(),
            "clip0_6_n1_c32_7x7");
  EXPECT_EQ(spec(EltwiseOp::kActivation, 1, 32, 7, 7, Activation::kClip, true,
                 clip_params(-1.5f, INFINITY))
                .to_string(),
            "clipm1p5_inf_n1_c32_7x7");
  EXPECT_EQ(spec(EltwiseOp::kAdd, 1, 8, 2, 2, Activation::kLeakyRelu, true, leaky_params(0.01f))
                .to_string(),
            "add_n1_c8_2x2_leaky0p01");
  EXPECT_EQ(spec(EltwiseOp::kActivation, 2, 8, 2, 2, Activation::kSigmoid, true).to_string(),
            "sigmoid_n2_c8_2x2");
  // Parameters that differ in the last bit of the float are different kernels.
  EXPECT_NE(spec(EltwiseOp::kAdd, 1, 8, 2, 2, Activation::kLeakyRelu, true, leaky_params(0.1f))
                .to_string(),
            spec(EltwiseOp::kAdd, 1, 8, 2, 2, Activation::kLeakyRelu, true,
                 leaky_params(std::nextafter(0.1f, 1.0f)))
                .to_string());
  EXPECT_THROW(validate(spec(EltwiseOp::kActivation, 1, 8, 1, 1, Activation::kNone, true)),
               std::invalid_argument);
  // A parameter the activation does not use would give one computation two names.
  EXPECT_THROW(
      validate(spec(EltwiseOp::kAdd, 1, 8, 1, 1, Activation::kRelu, true, leaky_params(0.5f))),
      std::invalid_argument);
  EXPECT_THROW(validate(spec(EltwiseOp::kActivation, 1, 8, 1, 1, Activation::kClip, true,
                             clip_params(NAN, 1))),
               std::invalid_argument);
}

TEST(EltwiseKernel, AddReluBlockedInPlaceBatch3Host) {
  EltwiseKernel kernel(spec(EltwiseOp::kAdd, 3, 20, 5, 7, Activation::kRelu, true),
                       Halide::get_jit_target_from_environment());
  expect_matches_naive(kernel, true);
}

TEST(EltwiseKernel, AddBlockedAvx2) {
  EltwiseKernel kernel(spec(EltwiseOp::kAdd, 1, 20, 3, 9, Activation::kNone, true),
                       Halide::Target(kAvx2Target));
  expect_matches_naive(kernel, false);
}

// 3 * 5 * 7 = 105 floats: the last vector is a predicated partial one.
TEST(EltwiseKernel, ReluPlainOddSizeAvx2RejectsBadArguments) {
  EltwiseKernel kernel(spec(EltwiseOp::kActivation, 1, 3, 5, 7, Activation::kRelu, false),
                       Halide::Target(kAvx2Target));
  expect_matches_naive(kernel, false);
  Halide::Buffer<float> out = kernel.make_output();
  EXPECT_THROW(kernel.run({out, out}, out), std::invalid_argument);
  Halide::Buffer<float> wrong(8, 5, 3, 1);
  EXPECT_THROW(kernel.run({wrong}, out), std::runtime_error);
}

// 20 channels: the second channel block has pad lanes, which sigmoid(0) = 0.5 must not fill.
TEST(EltwiseKernel, SigmoidBlockedKeepsPadLanesZeroHost) {
  EltwiseKernel kernel(spec(EltwiseOp::kActivation, 2, 20, 3, 5, Activation::kSigmoid, true),
                       Halide::get_jit_target_from_environment());
  expect_matches_naive(kernel, false);
}

// Far from zero exp(-x) overflows or underflows; sigmoid must still saturate to 0 and 1.
TEST(EltwiseKernel, SigmoidSaturatesWithoutNan) {
  EltwiseKernel kernel(spec(EltwiseOp::kActivation, 1, 1, 1, 8, Activation::kSigmoid, false),
                       Halide::get_jit_target_from_environment());
  Halide::Buffer<float> x = kernel.make_output();
  const float values[] = {-1000, -200, -88.5f, -20, 0, 20, 88.5f, 1000};
  for (int i = 0; i < 8; ++i) x.data()[i] = values[i];
  Halide::Buffer<float> out = kernel.make_output();
  kernel.run({x}, out);
  for (int i = 0; i < 8; ++i)
    EXPECT_NEAR(out.data()[i], 1.0 / (1.0 + std::exp(-double(values[i]))), 1e-6) << values[i];
}

// ReLU6 on a plain odd-sized tensor, and with a lower bound above zero (pad lanes again).
TEST(EltwiseKernel, ClipPlainAndBlockedAvx2) {
  EltwiseKernel relu6(
      spec(EltwiseOp::kActivation, 1, 3, 5, 7, Activation::kClip, false, clip_params(0, 0.5f)),
      Halide::Target(kAvx2Target));
  expect_matches_naive(relu6, false);
  EltwiseKernel raised(
      spec(EltwiseOp::kActivation, 1, 11, 3, 3, Activation::kClip, true, clip_params(0.25f, 0.75f)),
      Halide::Target(kAvx2Target));
  expect_matches_naive(raised, true);
}

// ONNX's order, max(x, min) then min(., max): with min above max every element is max.
TEST(EltwiseKernel, ClipWithMinAboveMaxGivesMax) {
  EltwiseKernel k(
      spec(EltwiseOp::kActivation, 1, 3, 5, 7, Activation::kClip, false, clip_params(0.5f, -0.5f)),
      Halide::get_jit_target_from_environment());
  expect_matches_naive(k, false);
}

TEST(EltwiseKernel, LeakyReluInPlaceAndAfterAddHost) {
  EltwiseKernel alone(
      spec(EltwiseOp::kActivation, 1, 20, 5, 7, Activation::kLeakyRelu, true, leaky_params(0.1f)),
      Halide::get_jit_target_from_environment());
  expect_matches_naive(alone, true);
  EltwiseKernel after_add(
      spec(EltwiseOp::kAdd, 1, 20, 5, 7, Activation::kLeakyRelu, true, leaky_params(0.2f)),
      Halide::get_jit_target_from_environment());
  expect_matches_naive(after_add, false);
}

// The AOT artifacts: an object without the runtime and a C header declaring the entry point
// with one buffer argument per input plus the output.
TEST(EltwiseKernel, CompilesAheadOfTime) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("kiln_eltwise_aot_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const Halide::Target target = Halide::Target(kAvx2Target).with_feature(Halide::Target::NoRuntime);
  compile_eltwise(spec(EltwiseOp::kAdd, 1, 20, 3, 3, Activation::kRelu, true), target,
                  "kiln_test_add", (dir / "add").string());
  EXPECT_GT(fs::file_size(dir / "add.o"), 0u);
  std::ifstream header(dir / "add.h");
  std::stringstream text;
  text << header.rdbuf();
  // The output's parameter name depends on how many Funcs share its name; only the order matters.
  EXPECT_NE(text.str().find("int kiln_test_add(struct halide_buffer_t *_a_buffer, struct "
                            "halide_buffer_t *_b_buffer, struct halide_buffer_t *_eltwise_output"),
            std::string::npos)
      << text.str();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kiln::halide
