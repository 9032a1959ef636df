// Lowering with --conv-algorithm: which convolutions become Winograd kernels, and that the
// algorithm is part of each kernel's signature (the kernel cache key) and step description.
#include "backend/halide/conv_algorithm.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/compile/compile_test_util.h"

namespace kiln {
namespace {

using halide::ConvAlgorithm;

halide::Plan lower(const std::string& model, ConvAlgorithm algorithm) {
  halide::LowerOptions options;
  options.conv_algorithm = algorithm;
  return testing::lower_zoo_model(model, options);
}

int count_steps(const halide::Plan& p, const std::string& op) {
  int n = 0;
  for (const auto& s : p.steps) n += p.kernels[s.kernel].op == op;
  return n;
}

TEST(ConvAlgorithm, ResNet18StepsPerAlgorithm) {
  const halide::Plan direct = lower("resnet18", ConvAlgorithm::direct);
  const halide::Plan winograd = lower("resnet18", ConvAlgorithm::winograd);
  const halide::Plan automatic = lower("resnet18", ConvAlgorithm::automatic);
  EXPECT_EQ(count_steps(direct, "winograd_conv2d"), 0);
  // ResNet-18: 20 convs, of which 13 are 3x3 stride 1 (4 stages x 4 less the 3 strided ones).
  EXPECT_EQ(count_steps(winograd, "winograd_conv2d"), 13);
  EXPECT_EQ(count_steps(winograd, "conv2d") + 13, count_steps(direct, "conv2d"));
  // Auto: the 56x56, 28x28 and 14x14 ones (4 + 3 + 3), not the 7x7 stage (3).
  EXPECT_EQ(count_steps(automatic, "winograd_conv2d"), 10);
  for (const auto& s : winograd.steps) {
    const bool is_winograd = winograd.kernels[s.kernel].op == "winograd_conv2d";
    EXPECT_EQ(is_winograd, s.description.rfind("winograd F(4x4,3x3) conv2d 3x3/1", 0) == 0)
        << s.description;
  }
}

TEST(ConvAlgorithm, SignaturesDistinguishTheAlgorithms) {
  const halide::Plan direct = lower("resnet18", ConvAlgorithm::direct);
  const halide::Plan winograd = lower("resnet18", ConvAlgorithm::winograd);
  std::set<std::string> direct_keys;
  for (const auto& k : direct.kernels) direct_keys.insert(k.signature);
  int winograd_kernels = 0;
  for (const auto& k : winograd.kernels) {
    if (k.op != "winograd_conv2d") continue;
    ++winograd_kernels;
    EXPECT_EQ(direct_keys.count(k.signature), 0u) << k.signature;
    EXPECT_NE(k.signature.find("_wino4"), std::string::npos) << k.signature;
  }
  EXPECT_GT(winograd_kernels, 0);
}

TEST(ConvAlgorithm, AutoChoosesByMeasuredRule) {
  halide::Conv2dSpec s;
  s.c = s.k = 64, s.h = s.w = 56, s.kh = s.kw = 3;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  using halide::choose_conv_algorithm;
  using halide::Scheduler;
  EXPECT_TRUE(choose_conv_algorithm(s, ConvAlgorithm::automatic, Scheduler::hand).winograd);
  EXPECT_EQ(choose_conv_algorithm(s, ConvAlgorithm::automatic, Scheduler::hand).tile, 4);
  EXPECT_FALSE(choose_conv_algorithm(s, ConvAlgorithm::automatic, Scheduler::li2018).winograd);
  EXPECT_FALSE(choose_conv_algorithm(s, ConvAlgorithm::direct, Scheduler::hand).winograd);
  halide::Conv2dSpec late = s;
  late.h = late.w = 7;
  EXPECT_FALSE(choose_conv_algorithm(late, ConvAlgorithm::automatic, Scheduler::hand).winograd);
  EXPECT_TRUE(choose_conv_algorithm(late, ConvAlgorithm::winograd, Scheduler::hand).winograd);
  halide::Conv2dSpec rgb = s;
  rgb.c = 3;
  EXPECT_FALSE(choose_conv_algorithm(rgb, ConvAlgorithm::automatic, Scheduler::hand).winograd);
  halide::Conv2dSpec strided = s;
  strided.sh = strided.sw = 2;
  EXPECT_FALSE(choose_conv_algorithm(strided, ConvAlgorithm::winograd, Scheduler::hand).winograd);
}

TEST(ConvAlgorithm, NamesRoundTrip) {
  for (const std::string& name : halide::conv_algorithm_names())
    EXPECT_EQ(halide::conv_algorithm_name(halide::parse_conv_algorithm(name)), name);
  EXPECT_THROW(halide::parse_conv_algorithm("fft"), Error);
}

}  // namespace
}  // namespace kiln
