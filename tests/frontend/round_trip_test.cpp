// print(parse(text)) == text for hand-written text using every syntax form.
// (The zoo models' round trip is tested in tests/zoo.)
#include <gtest/gtest.h>

#include <cmath>

#include "frontend/parser.h"
#include "ir/printer.h"

namespace kiln {
namespace {

const char* kEverySyntax = R"(graph @every_syntax {
  %data = input() : f32[2,3,9,9]
  %c1.weight = weight() : f32[6,1,3,3]
  %c1.bias = weight() : f32[6]
  %c1 = conv2d(%data, %c1.weight, %c1.bias) {kernel = [3, 3], stride = [2, 2], pad = [0, 1, 2, 1], dilation = [1, 1], groups = 3, activation = "relu"} : f32[2,6,5,5]
  %n1 = lrn(%c1) {size = 5, alpha = 1e-04, beta = 0.75, bias = 1.0} : f32[2,6,5,5]
  %p1 = max_pool2d(%n1) {kernel = [3, 3], stride = [2, 2], pad = [0, 0, 0, 0], ceil_mode = true} : f32[2,6,2,2]
  %p2 = avg_pool2d(%n1) {kernel = [2, 2], stride = [2, 2], pad = [1, 1, 1, 1], ceil_mode = false, count_include_pad = true} : f32[2,6,3,3]
  %g = global_avg_pool(%p2) : f32[2,6,1,1]
  %k = constant() {value = [1e-07, -2.5, inf, 3.0, 0.1, -0.0]} : f32[1,6,1,1]
  %s = add(%g, %k) : f32[2,6,1,1]
  %cat = concat(%s, %s) {axis = -3} : f32[2,12,1,1]
  %f = flatten(%cat) {axis = 1} : f32[2,12]
  %r = reshape(%f) {shape = [0, -1]} : f32[2,12]
  %d = dropout(%r) {ratio = 0.7} : f32[2,12]
  %fc.weight = weight() : f32[10,12]
  %fc = dense(%d, %fc.weight) : f32[2,10]
  %prob = softmax(%fc) {axis = -1} : f32[2,10]
  output %prob
  output aux %p1
}
)";

TEST(RoundTrip, EverySyntaxForm) {
  auto g = parse_graph(kEverySyntax, "every.kir");
  EXPECT_EQ(print_graph(*g), kEverySyntax);
}

// The activation ops and their fused forms: a layer carries the parameters
// of its activation and no others.
const char* kActivations = R"(graph @activations {
  %data = input() : f32[1,4,6,6]
  %c.weight = weight() : f32[4,4,1,1]
  %c.bias = weight() : f32[4]
  %relu6 = conv2d(%data, %c.weight, %c.bias) {kernel = [1, 1], activation = "clip", min = 0.0, max = 6.0} : f32[1,4,6,6]
  %leaky = conv2d(%relu6, %c.weight, %c.bias, %relu6) {kernel = [1, 1], activation = "leaky_relu", alpha = 0.01} : f32[1,4,6,6]
  %sig = conv2d(%leaky, %c.weight) {kernel = [1, 1], activation = "sigmoid"} : f32[1,4,6,6]
  %lo = clip(%sig) {min = -inf, max = 0.5} : f32[1,4,6,6]
  %lr = leaky_relu(%lo) {alpha = 0.2} : f32[1,4,6,6]
  %s = sigmoid(%lr) : f32[1,4,6,6]
  %f = flatten(%s) : f32[1,144]
  %fc.weight = weight() : f32[3,144]
  %fc = dense(%f, %fc.weight) {activation = "clip", min = -1.0, max = 1.0} : f32[1,3]
  output %fc
}
)";

TEST(RoundTrip, ActivationOpsAndFusedActivations) {
  auto g = parse_graph(kActivations, "act.kir");
  EXPECT_EQ(print_graph(*g), kActivations);
}

TEST(RoundTrip, ParsedValuesAreTyped) {
  auto g = parse_graph(kEverySyntax, "every.kir");
  const Node* c1 = g->find("c1");
  ASSERT_NE(c1, nullptr);
  EXPECT_EQ(c1->ints_attr("pad"), (std::vector<int64_t>{0, 1, 2, 1}));
  EXPECT_EQ(c1->int_attr("groups"), 3);
  EXPECT_EQ(c1->string_attr("activation"), "relu");
  EXPECT_EQ(c1->loc().str(), "every.kir:5:3");
  const auto& k = g->find("k")->floats_attr("value");
  EXPECT_EQ(k[0], 1e-07);
  EXPECT_TRUE(std::isinf(k[2]));
  EXPECT_TRUE(std::signbit(k[5]));
  EXPECT_EQ(g->find("p1")->bool_attr("ceil_mode"), true);
  ASSERT_EQ(g->outputs().size(), 2u);
  EXPECT_EQ(g->outputs()[1].role, OutputRole::aux);
  EXPECT_EQ(g->outputs()[1].value->name(), "p1");
}

TEST(RoundTrip, CommentsAndSpacingAreNotSignificant) {
  const char* loose =
      "# a comment\ngraph   @t{%x=input():f32[1,2]  # trailing\n"
      "%y = relu( %x ) :f32[ 1, 2 ]\noutput main %y}";
  auto g = parse_graph(loose, "loose.kir");
  EXPECT_EQ(print_graph(*g),
            "graph @t {\n  %x = input() : f32[1,2]\n  %y = relu(%x) : f32[1,2]\n  output %y\n}\n");
}

TEST(RoundTrip, DefaultsAreNotAddedAndOrderIsKept) {
  const char* text =
      "graph @t {\n  %x = input() : f32[1,2,4,4]\n"
      "  %p = max_pool2d(%x) {stride = [2, 2], kernel = [2, 2]} : f32[1,2,2,2]\n  output %p\n}\n";
  EXPECT_EQ(print_graph(*parse_graph(text)), text);
}

}  // namespace
}  // namespace kiln
