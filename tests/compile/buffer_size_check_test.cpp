// Graphs with tensors past Halide's 32-bit buffer indexing are refused while lowering, naming the
// tensor, its type, its element count and the limit. They used to lower and compile (exit 0) and
// fail only at run time, mapping an arena of tens of gigabytes.
#include "backend/halide/buffer_size_check.h"

#include <gtest/gtest.h>

#include "backend/halide/lower_graph.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "ir/error.h"
#include "tests/driver/test_models.h"

namespace kiln {
namespace {

std::string lowering_error(Graph& g) {
  const WeightMap weights = seeded_weights(g);
  try {
    halide::lower_graph(g, weights, Halide::get_host_target());
  } catch (const Error& e) {
    return e.what();
  }
  return "(lowered)";
}

void expect_contains(const std::string& text, const std::string& fragment) {
  EXPECT_NE(text.find(fragment), std::string::npos) << text;
}

TEST(BufferSizeCheck, HugeBatchNamesTheInputItsTypeAndTheLimit) {
  auto g = parse_graph(testing::kTinyConv, "tiny.kir");
  g->set_batch(20000);
  const std::string err = lowering_error(*g);
  expect_contains(err,
                  "tiny.kir:2:3: error: halide backend: %data (input) is "
                  "f32[20000,3,224,224], 3010560000 elements: more than the 2147483647 "
                  "(2^31 - 1) elements a Halide buffer can index");
  expect_contains(err, "the reference interpreter");
}

// The input fits; the convolution's output does not.
TEST(BufferSizeCheck, HugeIntermediateIsNamed) {
  auto g = parse_graph(testing::kTinyConv, "tiny.kir");
  g->set_batch(4000);  // input 602112000 elements, conv output 3211264000
  expect_contains(lowering_error(*g),
                  "%conv1 (conv2d) is f32[4000,64,112,112], 3211264000 elements: more than "
                  "the 2147483647");
}

// Every graph value fits, but the channel-blocked activations pad 2 channels to a whole block.
TEST(BufferSizeCheck, ChannelPaddingPastTheLimitIsNamed) {
  auto g = parse_graph(R"(graph @pad {
  %data = input() : f32[1,1,20000,20000]
  %w = weight() : f32[2,1,3,3]
  %conv = conv2d(%data, %w) {kernel = [3, 3], pad = [1, 1, 1, 1]} : f32[1,2,20000,20000]
  output %conv
}
)",
                       "pad.kir");
  const std::string err = lowering_error(*g);
  expect_contains(err, "halide backend: tensor 'conv");
  expect_contains(err, "channels padded to a multiple of");
  expect_contains(err, "elements, more than the 2147483647 (2^31 - 1) elements a Halide buffer");
}

// conv1's output is 802816 elements per image: 2674 images fit in 2^31 - 1, 2675 do not.
TEST(BufferSizeCheck, TheLimitIsExact) {
  auto g = parse_graph(testing::kTinyConv, "tiny.kir");
  g->set_batch(2674);
  EXPECT_EQ(lowering_error(*g), "(lowered)");
  g->set_batch(2675);
  expect_contains(lowering_error(*g), "%conv1 (conv2d) is f32[2675,64,112,112], 2147532800");
}

// The steps above are a whole image (802816 elements) apart and cannot tell `<=` from `<`: the
// checks themselves, at exactly 2^31 - 1 and 2^31 elements.
std::string graph_check_error(int64_t elements) {
  const auto g = parse_graph("graph @edge {\n  %data = input() : f32[1,1,1," +
                                 std::to_string(elements) + "]\n  output %data\n}\n",
                             "edge.kir");
  try {
    halide::check_graph_buffer_sizes(*g);
  } catch (const Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(BufferSizeCheck, GraphValueAtTheLimitIsAcceptedOneMoreIsNot) {
  EXPECT_EQ(graph_check_error(2147483647), "(accepted)");
  expect_contains(graph_check_error(2147483648),
                  "%data (input) is f32[1,1,1,2147483648], 2147483648 elements: more than the "
                  "2147483647");
}

std::string plan_check_error(std::vector<int> extents, std::vector<int64_t> strides) {
  halide::Plan plan;
  halide::PlanTensor t;
  t.name = "edge";
  t.extents = std::move(extents);
  t.strides = std::move(strides);
  plan.tensors.push_back(t);
  try {
    halide::check_plan_buffer_sizes(plan);
  } catch (const Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(BufferSizeCheck, PlanTensorAtTheLimitIsAcceptedOneMoreIsNot) {
  EXPECT_EQ(plan_check_error({2147483647}, {1}), "(accepted)");
  EXPECT_EQ(plan_check_error({1, 1}, {1, 2147483647}), "(accepted)");  // spans 2^31 - 1
  expect_contains(plan_check_error({2, 1073741824}, {1, 2}),
                  "tensor 'edge' (extents [2,1073741824] innermost first) holds 2147483648 "
                  "elements, more than the 2147483647");
  expect_contains(plan_check_error({2, 2}, {1, 1073741824}),
                  "spans 2147483648 elements in dimension 1 (extent 2 x stride 1073741824)");
}

}  // namespace
}  // namespace kiln
