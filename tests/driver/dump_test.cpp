// `kiln dump` in its three formats, after passes, and with --weights-out.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "frontend/npy.h"
#include "frontend/parser.h"
#include "frontend/safetensors.h"
#include "frontend/weight_init.h"
#include "ir/printer.h"
#include "tests/driver/kiln_process.h"
#include "tests/driver/test_models.h"

namespace kiln::testing {
namespace {

using nlohmann::json;

class DriverDump : public ::testing::Test {
 protected:
  void SetUp() override { model_ = dir_.write("smallnet.kir", kSmallNet); }

  KilnResult dump(std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"dump", model_});
    KilnResult r = run_kiln(extra);
    EXPECT_EQ(r.status, 0) << r.err;
    return r;
  }

  static const json* find_node(const json& dump, const std::string& name) {
    for (const json& n : dump["nodes"])
      if (n["name"] == name) return &n;
    return nullptr;
  }

  ScratchDir dir_;
  std::string model_;
};

TEST_F(DriverDump, TextIsTheCanonicalPrint) {
  EXPECT_EQ(dump({}).out, print_graph(*parse_graph(kSmallNet)));
  EXPECT_EQ(dump({"--format=text"}).out, print_graph(*parse_graph(kSmallNet)));
}

TEST_F(DriverDump, BatchOptionRewritesShapes) {
  std::string out = dump({"--batch", "4"}).out;
  EXPECT_NE(out.find("%data = input() : f32[4,2,6,6]"), std::string::npos) << out;
  EXPECT_NE(out.find("%prob = softmax(%fc) : f32[4,10]"), std::string::npos) << out;
}

TEST_F(DriverDump, JsonHasTypedNodesAndOutputRoles) {
  json j = json::parse(dump({"--format=json"}).out);
  EXPECT_EQ(j["name"], "smallnet");
  EXPECT_EQ(j["nodes"].size(), parse_graph(kSmallNet)->size());
  const json* conv = find_node(j, "conv1");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ((*conv)["op"], "conv2d");
  EXPECT_EQ((*conv)["inputs"], json({"data", "conv1.weight", "conv1.bias"}));
  EXPECT_EQ((*conv)["outputs"], json({"conv1"}));
  EXPECT_EQ((*conv)["attrs"]["kernel"], json({3, 3}));
  EXPECT_TRUE((*conv)["attrs"]["kernel"][0].is_number_integer());
  EXPECT_EQ((*conv)["shape"], json({1, 4, 6, 6}));
  EXPECT_EQ((*conv)["output_shapes"], json({{1, 4, 6, 6}}));
  EXPECT_EQ((*conv)["fused"], json::array());
  ASSERT_EQ(j["outputs"].size(), 2u);
  EXPECT_EQ(j["outputs"][0]["name"], "prob");
  EXPECT_EQ(j["outputs"][0]["role"], "main");
  EXPECT_EQ(j["outputs"][1]["name"], "fc");
  EXPECT_EQ(j["outputs"][1]["role"], "aux");
}

TEST_F(DriverDump, JsonKeepsAttributeKinds) {
  std::string model = dir_.write("attrs.kir", R"(graph @attrs {
  %x = input() : f32[1,2]
  %c = constant() {value = [0.5, inf]} : f32[2]
  %d = dropout(%x) {ratio = 0.25} : f32[1,2]
  output %d
  output %c
}
)");
  KilnResult r = run_kiln({"dump", model, "--format=json"});
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(find_node(j, "d")->at("attrs")["ratio"], 0.25);
  // JSON has no infinity; the text IR spelling stands in for it.
  EXPECT_EQ(find_node(j, "c")->at("attrs")["value"], json({0.5, "inf"}));
}

TEST_F(DriverDump, JsonAfterPassesListsFusedOps) {
  json j = json::parse(dump({"-O", "--format=json"}).out);
  std::vector<json> fused;
  for (const json& n : j["nodes"])
    if (!n["fused"].empty()) fused.push_back(n["fused"]);
  EXPECT_EQ(fused, (std::vector<json>{json({"relu"}), json({"add", "relu"})}));
  ASSERT_EQ(j["outputs"].size(), 1u);  // strip-training dropped the aux head
}

TEST_F(DriverDump, DotDrawsTheDataFlow) {
  std::string dot = dump({"--format=dot"}).out;
  EXPECT_EQ(dot.rfind("digraph \"smallnet\" {", 0), 0u) << dot;
  EXPECT_NE(dot.find("\"data\" -> \"conv1\""), std::string::npos) << dot;
  // Weights are folded into their users' labels, not drawn.
  EXPECT_EQ(dot.find("\"conv1.weight\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("params"), std::string::npos) << dot;
  EXPECT_NE(dot.find("aux output"), std::string::npos) << dot;
  EXPECT_NE(dot.find("style=dashed"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("filled\", fillcolor"), std::string::npos) << "nothing is fused yet";
}

TEST_F(DriverDump, DotMarksFusedNodes) {
  std::string dot = dump({"-O", "--format", "dot"}).out;
  EXPECT_NE(dot.find("conv2d+relu"), std::string::npos) << dot;
  EXPECT_NE(dot.find("conv2d+add+relu"), std::string::npos) << dot;
  EXPECT_EQ(count_of(dot, "style=\"rounded,filled\""), 2) << dot;
}

TEST_F(DriverDump, OutputOptionWritesTheFile) {
  KilnResult r = dump({"--format=json", "-o", dir_.file("g.json")});
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(json::parse(read_file(dir_.file("g.json")))["name"], "smallnet");
}

TEST_F(DriverDump, PassReportsGoToStderr) {
  KilnResult r = dump({"-O", "--stats", "--print-after=fold-bn", "--verify-each"});
  EXPECT_NE(r.err.find("fold-bn"), std::string::npos) << r.err;
  EXPECT_EQ(parse_graph(r.out)->find("bn1"), nullptr) << "stdout holds just the optimised graph";
}

// An optimised dump and its weights must compute what the original computes.
TEST_F(DriverDump, WeightsOutRunsLikeTheOriginal) {
  write_safetensors(dir_.file("w.safetensors"), seeded_weights(*parse_graph(kSmallNet), 7));
  dump({"-O", "--weights", dir_.file("w.safetensors"), "-o", dir_.file("opt.kir"), "--weights-out",
        dir_.file("opt.safetensors")});
  KilnResult before = run_kiln({"run", model_, "--weights", dir_.file("w.safetensors"),
                                "--output-dir", dir_.file("before")});
  KilnResult after = run_kiln({"run", dir_.file("opt.kir"), "--weights",
                               dir_.file("opt.safetensors"), "--output-dir", dir_.file("after")});
  ASSERT_EQ(before.status, 0) << before.err;
  ASSERT_EQ(after.status, 0) << after.err;
  Tensor a = read_npy(dir_.file("before/prob.npy")), b = read_npy(dir_.file("after/prob.npy"));
  ASSERT_EQ(a.type, b.type);
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a.data[i], b.data[i], 1e-5) << i;
}

}  // namespace
}  // namespace kiln::testing
