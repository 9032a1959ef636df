// JIT-compiles add (+relu) and relu kernels on blocked and plain tensors whose sizes are not
// multiples of the vector width, including an in-place run, for the host target and AVX2; and
// checks the AOT entry point (object + header) that the code generator links.
#include "backend/halide/eltwise_kernel.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
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

EltwiseSpec spec(EltwiseOp op, int n, int c, int h, int w, Activation act, bool blocked) {
  EltwiseSpec s;
  s.op = op, s.n = n, s.c = c, s.h = h, s.w = w;
  s.activation = act;
  s.blocked = blocked;
  return s;
}

float naive(const EltwiseSpec& s, float a, float b) {
  const float sum = s.op == EltwiseOp::kAdd ? a + b : a;
  return s.op == EltwiseOp::kRelu || s.activation == Activation::kRelu ? std::max(sum, 0.0f) : sum;
}

// Every element, pad lanes included, is the op applied to the same element of the inputs.
void expect_matches_naive(EltwiseKernel& kernel, bool in_place) {
  const EltwiseSpec& s = kernel.spec();
  Halide::Buffer<float> out = kernel.make_output();
  const Halide::Buffer<float> a = random_like(out, 1), b = random_like(out, 2);
  std::vector<Halide::Buffer<float>> inputs{a.copy()};
  if (s.op == EltwiseOp::kAdd) inputs.push_back(b);
  if (in_place) out = inputs[0];  // the same memory as input a
  kernel.run(inputs, out);
  // All buffers are dense and of one shape, so elements correspond by flat index.
  for (size_t i = 0; i < out.number_of_elements(); ++i) {
    ASSERT_EQ(out.data()[i], naive(s, a.data()[i], b.data()[i])) << s.to_string() << " at " << i;
  }
}

TEST(EltwiseKernel, NamesAndValidatesSpecs) {
  EXPECT_EQ(spec(EltwiseOp::kAdd, 1, 256, 56, 56, Activation::kRelu, true).to_string(),
            "add_n1_c256_56x56_relu");
  EXPECT_EQ(spec(EltwiseOp::kRelu, 1, 64, 7, 7, Activation::kNone, false).to_string(),
            "relu_n1_c64_7x7_plain");
  EXPECT_THROW(validate(spec(EltwiseOp::kRelu, 1, 8, 1, 1, Activation::kRelu, true)),
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
  EltwiseKernel kernel(spec(EltwiseOp::kRelu, 1, 3, 5, 7, Activation::kNone, false),
                       Halide::Target(kAvx2Target));
  expect_matches_naive(kernel, false);
  Halide::Buffer<float> out = kernel.make_output();
  EXPECT_THROW(kernel.run({out, out}, out), std::invalid_argument);
  Halide::Buffer<float> wrong(8, 5, 3, 1);
  EXPECT_THROW(kernel.run({wrong}, out), std::runtime_error);
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
