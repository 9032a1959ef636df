// Lowering reads a network's image input straight into its stem convolution (plain NCHW,
// Conv2dSpec::plain_input): no layout conversion step comes first.
#include <gtest/gtest.h>

#include <string>

#include "tests/compile/compile_test_util.h"

namespace kiln {
namespace {

class StemInputTest : public ::testing::TestWithParam<std::string> {};

TEST_P(StemInputTest, TheStemReadsThePlainInput) {
  const halide::Plan plan = testing::lower_zoo_model(GetParam());
  ASSERT_FALSE(plan.steps.empty());
  const halide::PlanKernel& first = plan.kernels[plan.steps.front().kernel];
  EXPECT_EQ(first.op, "conv2d") << "the first step, not a layout conversion: " << first.signature;
  EXPECT_NE(first.signature.find("_plain"), std::string::npos) << first.signature;
  int plain_convs = 0;
  for (const auto& k : plan.kernels) {
    plain_convs += k.op == "conv2d" && k.signature.find("_plain") != std::string::npos;
  }
  EXPECT_EQ(plain_convs, 1) << "only the stem has fewer channels than a block";
}

INSTANTIATE_TEST_SUITE_P(Zoo, StemInputTest,
                         ::testing::Values("alexnet", "nin", "googlenet", "resnet18"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kiln
