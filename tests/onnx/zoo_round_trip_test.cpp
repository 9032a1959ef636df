// import_onnx(export_onnx(model)) for every zoo model: ONNX's checker and
// shape inference accept the export and agree with Kiln's shapes, the
// imported graph prints exactly as the original (same names, attributes,
// node order, output roles), the weights come back bit for bit, and the
// reference interpreter gives identical outputs. VGG-16 (~31 GFLOP on plain
// loops) skips the runs; its structure and weights are still checked.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "backend/reference/interpreter.h"
#include "frontend/onnx/onnx_checker.h"
#include "frontend/onnx/onnx_exporter.h"
#include "frontend/onnx/onnx_importer.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "ir/printer.h"
#include "tests/onnx/onnx_test_util.h"

namespace kiln::onnx_test {
namespace {

struct ZooCase {
  std::string name;
  bool run;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class ZooRoundTrip : public ::testing::TestWithParam<ZooCase> {};

TEST_P(ZooRoundTrip, ImportOfExportIsTheSameModel) {
  const std::string path = std::string(KILN_SOURCE_DIR) + "/models/" + GetParam().name + ".kir";
  std::unique_ptr<Graph> g = parse_graph_file(path);
  const WeightMap weights = seeded_weights(*g, 1);

  auto start = std::chrono::steady_clock::now();
  const std::string file =
      std::string(KILN_BINARY_DIR) + "/onnx_round_trip_" + GetParam().name + ".onnx";
  export_onnx(*g, weights, file);
  const std::map<std::string, std::vector<int64_t>> onnx_shapes =
      check_onnx_model(export_onnx_model(*g, weights));
  ImportedModel back = import_onnx(file);
  std::filesystem::remove(file);
  std::cout << "[ onnx     ] " << GetParam().name << ": export + check + import "
            << seconds_since(start) << " s\n";

  // ONNX infers the shape of every value from the exported model alone.
  for (const Node* n : g->nodes()) {
    if (n->is("weight")) continue;
    auto it = onnx_shapes.find(n->name());
    ASSERT_NE(it, onnx_shapes.end()) << "ONNX inferred no shape for %" << n->name();
    EXPECT_EQ(it->second, n->type().dims) << "%" << n->name();
  }
  EXPECT_EQ(print_graph(*back.graph), print_graph(*g));
  ASSERT_EQ(back.weights.size(), weights.size());
  for (const auto& [name, t] : weights) {
    ASSERT_TRUE(back.weights.count(name)) << name;
    EXPECT_EQ(back.weights.at(name).type, t.type) << name;
    EXPECT_TRUE(back.weights.at(name).data == t.data) << name << " differs";
  }
  if (!GetParam().run) return;

  TensorMap inputs;
  inputs["data"] = seeded_input(g->find("data")->type(), 1);
  start = std::chrono::steady_clock::now();
  const TensorMap want = reference::run(*g, weights, inputs);
  const TensorMap got = reference::run(*back.graph, back.weights, inputs);
  std::cout << "[ onnx     ] " << GetParam().name << ": two reference runs " << seconds_since(start)
            << " s\n";
  for (const GraphOutput& o : g->outputs()) {
    const std::string& name = o.value->name();
    ASSERT_TRUE(got.count(name)) << name;
    EXPECT_EQ(max_abs_diff(got.at(name), want.at(name)), 0.0) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooRoundTrip,
                         ::testing::Values(ZooCase{"alexnet", true}, ZooCase{"vgg16", false},
                                           ZooCase{"nin", true}, ZooCase{"googlenet", true},
                                           ZooCase{"resnet18", true}, ZooCase{"resnet50", true}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace kiln::onnx_test
