// GraphBuilder: layer helpers name their weights and write readable
// attributes; every mistake is reported at once, naming the node, and leaves
// the graph as it was.
#include "ir/builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ir/printer.h"
#include "ir/verifier.h"

namespace kiln {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a kiln::Error";
  return "";
}

class BuilderTest : public ::testing::Test {
 protected:
  Graph g_{"t"};
  GraphBuilder b_{g_};
  Node* x_ = b_.input("data", {1, 8, 16, 16});
};

TEST_F(BuilderTest, ConvWritesKernelStridePadAndOnlyNonDefaultGroupsAndDilation) {
  Node* plain = b_.conv2d("c1", x_, 4, 3, 1, 1);
  EXPECT_EQ(print_node(*plain),
            "%c1 = conv2d(%data, %c1.weight, %c1.bias) {kernel = [3, 3], stride = [1, 1], "
            "pad = [1, 1, 1, 1]} : f32[1,4,16,16]");
  Node* fancy = b_.conv2d("c2", x_, 8, {1, 3}, 2, {0, 2, 0, 2}, 4, false, {1, 2});
  EXPECT_EQ(print_node(*fancy),
            "%c2 = conv2d(%data, %c2.weight) {kernel = [1, 3], stride = [2, 2], "
            "pad = [0, 2, 0, 2], dilation = [1, 2], groups = 4} : f32[1,8,8,8]");
  EXPECT_EQ(g_.find("c2.weight")->type(), TensorType({8, 2, 1, 3}));
  EXPECT_EQ(g_.find("c2.bias"), nullptr);
}

TEST_F(BuilderTest, LayerHelpersNameTheirWeights) {
  Node* bn = b_.batch_norm("bn", x_);
  for (const char* part : {"scale", "bias", "mean", "variance"})
    EXPECT_EQ(g_.find(std::string("bn.") + part)->type(), TensorType({8})) << part;
  EXPECT_TRUE(bn->attrs().empty());
  EXPECT_FLOAT_EQ(b_.batch_norm("bn2", x_, 1e-3)->float_attr("epsilon"), 1e-3);

  Node* fc = b_.dense("fc", b_.flatten("flat", b_.global_avg_pool("gap", bn)), 5);
  EXPECT_EQ(fc->type(), TensorType({1, 5}));
  EXPECT_EQ(g_.find("fc.weight")->type(), TensorType({5, 8}));
  EXPECT_EQ(g_.find("fc.bias")->type(), TensorType({5}));
  b_.output(b_.softmax("prob", fc));
  EXPECT_TRUE(verify_graph(g_).empty());
}

TEST_F(BuilderTest, PoolAndMiscHelpers) {
  Node* p = b_.max_pool2d("p", x_, 3, 2, 0, true);
  EXPECT_EQ(print_node(*p),
            "%p = max_pool2d(%data) {kernel = [3, 3], stride = [2, 2], pad = [0, 0, 0, 0], "
            "ceil_mode = true} : f32[1,8,8,8]");
  Node* a = b_.avg_pool2d("a", x_, 3, 1, 1, false, true);
  EXPECT_TRUE(a->bool_attr("count_include_pad"));
  EXPECT_EQ(a->type(), TensorType({1, 8, 16, 16}));
  Node* n = b_.lrn("n", x_, 5);
  EXPECT_EQ(print_node(*n),
            "%n = lrn(%data) {size = 5, alpha = 1e-04, beta = 0.75, bias = 1.0} : "
            "f32[1,8,16,16]");
  EXPECT_EQ(b_.concat("cat", {x_, a})->type(), TensorType({1, 16, 16, 16}));
  EXPECT_EQ(b_.add("sum", x_, a)->type(), x_->type());
  EXPECT_EQ(b_.dropout("d", x_, 0.7)->float_attr("ratio"), 0.7);
  EXPECT_TRUE(b_.relu("r", x_)->attrs().empty());
}

TEST_F(BuilderTest, InferenceErrorsNameTheNodeAndLeaveNoTrace) {
  Node* small = b_.max_pool2d("small", x_, 2, 2);
  size_t before = g_.size();
  EXPECT_THAT(error_of([&] {
                b_.concat("cat", {x_, small});
              }),
              AllOf(HasSubstr("%cat (concat):"), HasSubstr("differs")));
  EXPECT_THAT(error_of([&] { b_.conv2d("bad", x_, 6, 3, 1, 1, /*groups=*/3); }),
              AllOf(HasSubstr("%bad (conv2d):"), HasSubstr("divisible by groups 3")));
  EXPECT_EQ(g_.size(), before);
  EXPECT_EQ(g_.find("bad.weight"), nullptr);
}

TEST_F(BuilderTest, OpChecksOperandsAndAttributesBeforeInference) {
  EXPECT_THAT(error_of([&] { b_.op("relu", "r", {}); }),
              AllOf(HasSubstr("%r (relu):"), HasSubstr("takes 1 operand, got 0")));
  AttrMap unknown;
  unknown.set("slope", 0.1);
  EXPECT_THAT(error_of([&] { b_.op("relu", "r", {x_}, unknown); }),
              HasSubstr("relu has no attribute 'slope'"));
  AttrMap wrong_kind;
  wrong_kind.set("kernel", int64_t{3});
  EXPECT_THAT(error_of([&] { b_.op("max_pool2d", "p", {x_}, wrong_kind); }),
              HasSubstr("attribute 'kernel' must be"));
  EXPECT_THAT(error_of([&] { b_.op("max_pool2d", "p", {x_}); }),
              HasSubstr("max_pool2d needs attribute 'kernel'"));
  EXPECT_THAT(error_of([&] { b_.op("relu", "r", {nullptr}); }), HasSubstr("x is null"));
  EXPECT_THAT(error_of([&] { b_.op("relu", "data", {x_}); }), HasSubstr("duplicate value name"));
  EXPECT_THAT(error_of([&] { b_.dense("fc", x_, 3); }),
              AllOf(HasSubstr("%fc (dense)"), HasSubstr("rank-2")));
  EXPECT_EQ(g_.size(), 1u);
}

TEST_F(BuilderTest, OutputsKeepTheirRoles) {
  Node* r = b_.relu("r", x_);
  b_.output(r);
  b_.output(x_, OutputRole::aux);
  ASSERT_EQ(g_.outputs().size(), 2u);
  EXPECT_EQ(g_.outputs()[0].role, OutputRole::main);
  EXPECT_EQ(g_.outputs()[1].role, OutputRole::aux);
}

}  // namespace
}  // namespace kiln
