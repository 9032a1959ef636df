// The shape of every zoo model after -O, checked on the Graph itself. These
// run shapes-only (no weights bound), so they are cheap even for vgg16.
#include <gtest/gtest.h>

#include "ir/verifier.h"
#include "models/zoo.h"
#include "pass_test_util.h"

namespace kiln {
namespace {

std::unique_ptr<Graph> optimised(const std::string& model, PipelineResult* result = nullptr) {
  auto g = parse_graph_file(test::zoo_path(model));
  WeightMap none;
  PipelineResult r = test::run_passes(*g, none, default_pipeline());
  EXPECT_TRUE(none.empty()) << "shapes-only passes must not create tensors";
  if (result) *result = std::move(r);
  return g;
}

// A relu that reads a conv2d or dense directly is one fusion missed.
int relus_after_layers(const Graph& g) {
  int n = 0;
  for (const Node* node : g.nodes())
    if (node->is("relu") && (node->input(0)->is("conv2d") || node->input(0)->is("dense"))) ++n;
  return n;
}

class ZooStructure : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooStructure, VerifiesAndKeepsTheMainOutput) {
  auto original = parse_graph_file(test::zoo_path(GetParam()));
  auto g = optimised(GetParam());
  EXPECT_TRUE(verify_graph(*g).empty());
  ASSERT_FALSE(g->outputs().empty());
  EXPECT_EQ(g->outputs().front().value->name(), original->outputs().front().value->name());
  EXPECT_EQ(g->outputs().front().value->type(), original->outputs().front().value->type());
  EXPECT_EQ(test::count_op(*g, "dropout"), 0);
  EXPECT_EQ(test::count_op(*g, "batch_norm"), 0);
  EXPECT_EQ(relus_after_layers(*g), 0);
  EXPECT_LT(g->size(), original->size());
}

TEST_P(ZooStructure, StillWorksAtAnotherBatchSize) {
  auto g = optimised(GetParam());
  g->set_batch(3);
  EXPECT_TRUE(verify_graph(*g).empty());
  EXPECT_EQ(g->outputs().front().value->type().dim(0), 3);
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooStructure, ::testing::ValuesIn(zoo_model_names()),
                         [](const auto& info) { return info.param; });

TEST(ZooStructureTest, GoogLeNetLosesItsAuxHeads) {
  auto g = optimised("googlenet");
  ASSERT_EQ(g->outputs().size(), 1u);
  EXPECT_EQ(g->outputs()[0].value->name(), "prob");
  EXPECT_EQ(g->outputs()[0].role, OutputRole::main);
  for (const Node* n : g->nodes()) EXPECT_NE(n->name().rfind("aux", 0), 0u) << n->name();
}

TEST(ZooStructureTest, GoogLeNetKeepsAnAuxHeadWhenAsked) {
  auto g = parse_graph_file(test::zoo_path("googlenet"));
  WeightMap none;
  PipelineOptions o;
  o.passes = default_pipeline();
  o.keep_outputs = {"aux1.fc"};
  std::ostringstream log;
  o.log = &log;
  run_pipeline(*g, none, o);
  ASSERT_EQ(g->outputs().size(), 2u);
  EXPECT_EQ(g->outputs()[1].value->name(), "aux1.fc");
  EXPECT_EQ(g->outputs()[1].role, OutputRole::aux);
  EXPECT_FALSE(g->find("aux2.fc"));
  EXPECT_TRUE(g->find("aux1.fc1.relu"));
  EXPECT_FALSE(g->find("aux1.drop"));
}

TEST(ZooStructureTest, ResNetsEndWithOnlyFusedConvolutions) {
  for (const char* model : {"resnet18", "resnet50"}) {
    PipelineResult r;
    auto g = optimised(model, &r);
    EXPECT_EQ(test::count_op(*g, "relu"), 0) << model;
    EXPECT_EQ(test::count_op(*g, "add"), 0) << model;
    EXPECT_EQ(test::count_op(*g, "batch_norm"), 0) << model;
    // Every block's last conv carries the shortcut and the block's relu.
    const Node* block_out = g->find("layer1.0.relu");
    ASSERT_TRUE(block_out) << model;
    EXPECT_TRUE(block_out->is("conv2d"));
    EXPECT_EQ(block_out->num_inputs(), 4u);
    EXPECT_EQ(block_out->string_attr("activation"), "relu");
    const std::vector<std::string> expected_origin =
        std::string(model) == "resnet18"
            ? std::vector<std::string>{"layer1.0.conv2", "layer1.0.bn2", "layer1.0.add",
                                       "layer1.0.relu"}
            : std::vector<std::string>{"layer1.0.conv3", "layer1.0.bn3", "layer1.0.add",
                                       "layer1.0.relu"};
    EXPECT_EQ(r.origins.at("layer1.0.relu"), expected_origin) << model;
  }
}

TEST(ZooStructureTest, PlainNetsHaveNoStandaloneReluAfterConvolutions) {
  for (const char* model : {"alexnet", "vgg16"}) {
    auto g = optimised(model);
    EXPECT_EQ(relus_after_layers(*g), 0) << model;
    EXPECT_EQ(test::count_op(*g, "relu"), 0) << model;
  }
}

}  // namespace
}  // namespace kiln
