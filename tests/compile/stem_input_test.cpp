// Lowering reads a network's image input straight into its stem convolution (plain NCHW,
// Conv2dSpec::plain_input): no layout conversion step comes first.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "backend/halide/lower_graph.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "passes/pass_manager.h"
#include "tests/compile/compile_test_util.h"

namespace kiln {
namespace {

halide::Plan lower(const std::string& model) {
  auto g = parse_graph_file(testing::model_path(model));
  WeightMap weights = seeded_weights(*g);
  PipelineOptions opt;
  opt.passes = default_pipeline();
  std::ostringstream log;
  opt.log = &log;
  run_pipeline(*g, weights, opt);
  return halide::lower_graph(*g, weights, Halide::get_host_target(), {});
}

class StemInputTest : public ::testing::TestWithParam<std::string> {};

TEST_P(StemInputTest, TheStemReadsThePlainInput) {
  const halide::Plan plan = lower(GetParam());
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
