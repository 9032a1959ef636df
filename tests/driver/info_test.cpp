// `kiln info`, `kiln ops` and `kiln passes`: the static reports.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "ir/op_registry.h"
#include "tests/driver/kiln_process.h"
#include "tests/driver/test_models.h"

namespace kiln::testing {
namespace {

using nlohmann::json;

json info_json(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"info", "--json"};
  full.insert(full.end(), args.begin(), args.end());
  KilnResult r = run_kiln(full);
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(r.out);
}

TEST(DriverInfo, ResNet50IsAbout8Point2Gflop) {
  KilnResult r = run_kiln({"info", "resnet50"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(FLOPs\s+([0-9.]+) GFLOP)"))) << r.out;
  EXPECT_NEAR(std::stod(m[1]), 8.2, 0.1);
  EXPECT_NE(r.out.find("parameters           25.6M"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("largest activation"), std::string::npos) << r.out;
  json j = info_json({"resnet50"});
  EXPECT_NEAR(j["gflops"].get<double>(), 8.2, 0.1);
  EXPECT_EQ(j["op_counts"]["conv2d"], 53);
}

TEST(DriverInfo, TinyModelFiguresAreExact) {
  ScratchDir dir;
  json j = info_json({dir.write("tiny.kir", kTinyDense)});
  EXPECT_EQ(j["nodes"], 5);
  EXPECT_EQ(j["op_counts"], json({{"dense", 1}, {"input", 1}, {"relu", 1}, {"weight", 2}}));
  EXPECT_EQ(j["parameters"], 8);
  EXPECT_EQ(j["parameter_bytes"], 32);
  EXPECT_EQ(j["flops"], 2 * 2 * 3 + 2);  // dense multiply-adds, then relu
  EXPECT_EQ(j["activation_bytes"], (3 + 2 + 2) * 4);
  EXPECT_EQ(j["largest_activation"]["name"], "x");
}

TEST(DriverInfo, BatchScalesTheFigures) {
  ScratchDir dir;
  std::string model = dir.write("smallnet.kir", kSmallNet);
  json one = info_json({model}), four = info_json({model, "--batch", "4"});
  EXPECT_EQ(four["batch"], 4);
  EXPECT_EQ(four["flops"].get<int64_t>(), 4 * one["flops"].get<int64_t>());
  EXPECT_EQ(four["activation_bytes"].get<int64_t>(), 4 * one["activation_bytes"].get<int64_t>());
  EXPECT_EQ(four["parameters"], one["parameters"]);
}

TEST(DriverOps, ListsEveryOpWithItsSchema) {
  KilnResult r = run_kiln({"ops"});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const OpDef* d : all_ops()) EXPECT_NE(r.out.find(d->name + ": "), std::string::npos);
  EXPECT_NE(r.out.find("operands: x, weight, [bias], [residual]"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(kernel\s+int list\s+required)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(stride\s+int list\s+\[1, 1\])"))) << r.out;
}

TEST(DriverOps, JsonSchemaOfOneOp) {
  KilnResult r = run_kiln({"ops", "dropout", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["name"], "dropout");
  EXPECT_EQ(j[0]["attrs"][0]["name"], "ratio");
  EXPECT_EQ(j[0]["attrs"][0]["kind"], "float");
  EXPECT_EQ(j[0]["attrs"][0]["default"], 0.5);
}

// With -O, info reports the backend's arena against the sum of every
// intermediate: Inception's in-place concats and liveness reuse must save.
TEST(DriverInfo, OptimizedGoogLeNetReportsTheArena) {
  KilnResult r = run_kiln({"info", "googlenet", "-O", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_TRUE(j["arena_bytes"].is_number()) << r.out;
  int64_t arena = j["arena_bytes"], intermediates = j["intermediate_bytes"];
  EXPECT_GT(arena, 0);
  EXPECT_LT(arena * 2, intermediates);
  EXPECT_EQ(j["op_counts"].count("batch_norm"), 0u);
}

TEST(DriverPasses, ListsPassesAndTheDefaultPipeline) {
  KilnResult r = run_kiln({"passes"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nfold-bn\s+\S)"))) << r.out;
  EXPECT_NE(r.out.find("-O runs: "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kiln::testing
