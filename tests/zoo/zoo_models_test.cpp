// Each zoo model builds, verifies, and has the published size: FLOPs (2 x the
// multiply-adds of conv and dense layers, at batch 1) and parameter counts.
#include <gtest/gtest.h>

#include "ir/verifier.h"
#include "models/zoo.h"

namespace kiln {
namespace {

struct Expected {
  const char* name;
  double gflops;
  double params;  // every weight tensor, batch-norm running statistics included
  int aux_heads;
};

// Sources: torchvision's model table and the Caffe model zoo (bvlc_alexnet:
// 60,965,224 parameters, 724M multiply-adds with groups; VGG-16: 15.47G MACs,
// 138,357,544; ResNet-18/50: 1.81G/4.09G MACs and 11,689,512/25,557,032
// trainable parameters, plus 4,800/53,120 batch-norm means and variances;
// GoogLeNet: about 1.59G MACs, 7.0M parameters in the main network and 3.19M
// per auxiliary head; NIN: 1.10G MACs, 7.6M parameters).
const Expected kExpected[] = {
    {"alexnet", 1.45, 60965224, 0},  {"vgg16", 30.94, 138357544, 0},
    {"nin", 2.20, 7595176, 0},       {"googlenet", 3.18, 6998552 + 3188840 + 3190888, 2},
    {"resnet18", 3.63, 11694312, 0}, {"resnet50", 8.18, 25610152, 0},
};

class ZooModelTest : public ::testing::TestWithParam<Expected> {};

TEST_P(ZooModelTest, BuildsAndVerifies) {
  auto g = build_zoo_model(GetParam().name);
  EXPECT_EQ(g->name(), GetParam().name);
  std::string problems;
  for (const auto& d : verify_graph(*g)) problems += d.str() + "\n";
  EXPECT_EQ(problems, "");
}

TEST_P(ZooModelTest, HasTheStandardInterface) {
  auto g = build_zoo_model(GetParam().name);
  ASSERT_EQ(g->inputs().size(), 1u);
  EXPECT_EQ(g->inputs()[0]->name(), "data");
  EXPECT_EQ(g->inputs()[0]->type(), TensorType({1, 3, 224, 224}));

  ASSERT_EQ(g->outputs().size(), 1u + GetParam().aux_heads);
  const GraphOutput& main = g->outputs()[0];
  EXPECT_EQ(main.role, OutputRole::main);
  EXPECT_EQ(main.value->name(), "prob");
  EXPECT_TRUE(main.value->is("softmax"));
  EXPECT_EQ(main.value->type(), TensorType({1, 1000}));
  for (size_t i = 1; i < g->outputs().size(); ++i) {
    EXPECT_EQ(g->outputs()[i].role, OutputRole::aux);
    EXPECT_EQ(g->outputs()[i].value->type(), TensorType({1, 1000}));
  }
}

TEST_P(ZooModelTest, FlopsAndParametersMatchThePublishedSizes) {
  auto g = build_zoo_model(GetParam().name);
  double flops = 0, params = 0;
  for (const Node* n : g->nodes()) {
    if (n->is("conv2d") || n->is("dense")) flops += static_cast<double>(n->def().flops(*n));
    if (n->is("weight")) params += static_cast<double>(n->type().num_elements());
  }
  EXPECT_NEAR(flops / 1e9, GetParam().gflops, 0.02 * GetParam().gflops);
  EXPECT_NEAR(params, GetParam().params, 0.02 * GetParam().params);
}

TEST_P(ZooModelTest, EveryWeightIsUsed) {
  auto g = build_zoo_model(GetParam().name);
  for (const Node* w : g->weights()) EXPECT_GT(g->use_count(w), 0) << w->name();
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooModelTest, ::testing::ValuesIn(kExpected),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ZooTest, NamesAreListedInOrderAndUnknownNamesAreErrors) {
  EXPECT_EQ(zoo_model_names(), (std::vector<std::string>{"alexnet", "vgg16", "nin", "googlenet",
                                                         "resnet18", "resnet50"}));
  try {
    build_zoo_model("lenet");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown zoo model 'lenet' (known: alexnet,"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kiln
