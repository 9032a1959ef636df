// The structure -O leaves in the zoo models, as a user sees it through
// `kiln dump --format=json`: no training-only parts, no batch_norm, and no
// relu left standing after a conv2d or dense.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/driver/kiln_process.h"

namespace kiln::testing {
namespace {

using json = nlohmann::json;

json optimized(const std::string& model) {
  KilnResult r = run_kiln({"dump", model, "-O", "--format=json"});
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(r.out);
}

int count_op(const json& g, const std::string& op) {
  int n = 0;
  for (const auto& node : g["nodes"]) n += node["op"] == op;
  return n;
}

// relu nodes whose operand is a conv2d or dense: fusion should have taken them.
int relus_after_linear(const json& g) {
  std::map<std::string, std::string> op_of;
  for (const auto& node : g["nodes"]) op_of[node["name"]] = node["op"];
  int n = 0;
  for (const auto& node : g["nodes"]) {
    if (node["op"] != "relu") continue;
    const std::string& in = op_of[node["inputs"][0]];
    n += in == "conv2d" || in == "dense";
  }
  return n;
}

TEST(ZooStructureCli, GoogLeNetKeepsOneOutputAndNoAuxiliaryHead) {
  json g = optimized("googlenet");
  ASSERT_EQ(g["outputs"].size(), 1u);
  EXPECT_EQ(g["outputs"][0]["role"], "main");
  EXPECT_EQ(count_op(g, "dropout"), 0);
  EXPECT_EQ(count_op(g, "batch_norm"), 0);
  for (const auto& node : g["nodes"])
    EXPECT_EQ(node["name"].get<std::string>().rfind("aux", 0), std::string::npos) << node["name"];
  EXPECT_EQ(relus_after_linear(g), 0);
}

TEST(ZooStructureCli, ResNetsHaveNoBatchNormAndNoStandaloneRelu) {
  for (const char* model : {"resnet18", "resnet50"}) {
    json g = optimized(model);
    EXPECT_EQ(count_op(g, "batch_norm"), 0) << model;
    EXPECT_EQ(count_op(g, "relu"), 0) << model;
  }
}

TEST(ZooStructureCli, AlexNetAndVggHaveNoReluAfterConvs) {
  for (const char* model : {"alexnet", "vgg16"}) {
    json g = optimized(model);
    EXPECT_EQ(relus_after_linear(g), 0) << model;
    EXPECT_EQ(count_op(g, "dropout"), 0) << model;
  }
}

}  // namespace
}  // namespace kiln::testing
