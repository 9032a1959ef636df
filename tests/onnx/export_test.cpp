// Export of the fused forms the passes make (conv2d with residual and an
// activation, dense with an activation), of the activation ops, and of
// inline constants: ONNX's checker accepts the
// result, the ONNX nodes are the plain ones, and importing it back computes
// the same values.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <limits>

#include "backend/reference/interpreter.h"
#include "frontend/onnx/onnx_checker.h"
#include "frontend/onnx/onnx_exporter.h"
#include "frontend/onnx/onnx_importer.h"
#include "frontend/weight_init.h"
#include "ir/activation.h"
#include "ir/builder.h"
#include "tests/onnx/onnx_test_util.h"

namespace kiln::onnx_test {
namespace {

std::unique_ptr<Graph> fused_graph() {
  auto g = std::make_unique<Graph>("fused");
  GraphBuilder b(*g);
  Node* x = b.input("data", {2, 3, 6, 6});
  Node* stem = b.conv2d("stem", x, 4, 3, 1, 1);
  // What fuse-conv-activation makes of conv + add(stem) + relu.
  Node* body = b.conv2d("body", stem, 4, 3, 1, 1);
  body->add_input(stem);
  body->set_attr("activation", "relu");
  Node* head = b.conv2d("head", body, 4, 1);
  head->set_attr("activation", "relu");
  AttrMap value;
  value.set("value", std::vector<double>{0.5, -0.25, 1.0, 0.0});
  Node* shift = g->add_node("constant", "shift", {}, value, TensorType({4, 1, 1}));
  Node* shifted = b.add("shifted", head, shift);
  Node* fc = b.dense("fc", b.flatten("flat", shifted), 5);
  fc->set_attr("activation", "relu");
  b.output(fc);
  b.output(stem, OutputRole::aux);
  g->infer_shapes();
  return g;
}

std::vector<std::string> op_types(const onnx::ModelProto& m) {
  std::vector<std::string> ops;
  for (const auto& n : m.graph().node()) ops.push_back(n.op_type());
  return ops;
}

TEST(OnnxExport, FusedOpsBecomePlainOnnxNodes) {
  const auto g = fused_graph();
  const WeightMap weights = seeded_weights(*g, 7);
  const onnx::ModelProto m = export_onnx_model(*g, weights);
  EXPECT_EQ(op_types(m), (std::vector<std::string>{"Conv", "Conv", "Add", "Relu", "Conv", "Relu",
                                                   "Constant", "Add", "Flatten", "Gemm", "Relu"}));
  const auto shapes = check_onnx_model(m);
  EXPECT_EQ(shapes.at("body"), (std::vector<int64_t>{2, 4, 6, 6}));
  EXPECT_EQ(shapes.at("fc"), (std::vector<int64_t>{2, 5}));
  // The last node of each expansion carries the Kiln name.
  EXPECT_EQ(m.graph().node(3).output(0), "body");
  EXPECT_EQ(m.graph().node(2).output(0), "body/add");
}

TEST(OnnxExport, ImportOfFusedExportComputesTheSame) {
  const auto g = fused_graph();
  const WeightMap weights = seeded_weights(*g, 7);
  const ImportedModel back = import_onnx_model(export_onnx_model(*g, weights), "fused.onnx");
  EXPECT_EQ(back.graph->outputs().at(1).role, OutputRole::aux);
  const TensorMap inputs = {{"data", seeded_input(TensorType({2, 3, 6, 6}), 3)}};
  const TensorMap want = reference::run(*g, weights, inputs);
  const TensorMap got = reference::run(*back.graph, back.weights, inputs);
  for (const GraphOutput& o : g->outputs())
    EXPECT_EQ(compare_tensors(got.at(o.value->name()), want.at(o.value->name()), 1e-6, 1e-7), "")
        << o.value->name();
}

// Every activation, fused and standalone: ReLU6 on a conv, leaky_relu after a
// fused residual, sigmoid on a dense, and each op alone.
std::unique_ptr<Graph> activations_graph() {
  auto g = std::make_unique<Graph>("activations");
  GraphBuilder b(*g);
  Node* x = b.input("data", {1, 3, 6, 6});
  Node* stem = b.conv2d("stem", x, 4, 3, 1, 1);
  AttrMap relu6 = stem->attrs();
  set_fused_activation(relu6, ActivationFn{ActivationKind::clip, 0.0, 6.0, 0.0});
  stem->attrs() = relu6;
  Node* body = b.conv2d("body", stem, 4, 3, 1, 1);
  body->add_input(stem);
  AttrMap leaky = body->attrs();
  set_fused_activation(leaky, ActivationFn{ActivationKind::leaky_relu, 0.0, 0.0, 0.125});
  body->attrs() = leaky;
  Node* capped = b.clip("capped", body, -std::numeric_limits<double>::infinity(), 0.5);
  Node* leaky_alone = b.leaky_relu("leaky", capped, 0.3);
  Node* fc = b.dense("fc", b.flatten("flat", b.sigmoid("sig", leaky_alone)), 5);
  fc->set_attr("activation", "sigmoid");
  b.output(fc);
  g->infer_shapes();
  return g;
}

TEST(OnnxExport, ActivationsRoundTrip) {
  const auto g = activations_graph();
  const WeightMap weights = seeded_weights(*g, 11);
  const onnx::ModelProto m = export_onnx_model(*g, weights);
  EXPECT_EQ(op_types(m),
            (std::vector<std::string>{"Conv", "Clip", "Conv", "Add", "LeakyRelu", "Clip",
                                      "LeakyRelu", "Sigmoid", "Flatten", "Gemm", "Sigmoid"}));
  check_onnx_model(m);
  const ImportedModel back = import_onnx_model(m, "activations.onnx");
  // Import gives the unfused ops back, with the same parameters.
  EXPECT_EQ(back.graph->find("stem")->op(), "clip");
  EXPECT_EQ(back.graph->find("stem")->float_attr("max"), 6.0);
  EXPECT_EQ(back.graph->find("body")->float_attr("alpha"), 0.125);
  EXPECT_EQ(back.graph->find("capped")->float_attr("min"),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(back.graph->find("leaky")->float_attr("alpha"), 0.3);
  const TensorMap inputs = {{"data", seeded_input(TensorType({1, 3, 6, 6}), 5)}};
  const TensorMap want = reference::run(*g, weights, inputs);
  const TensorMap got = reference::run(*back.graph, back.weights, inputs);
  EXPECT_EQ(compare_tensors(got.at("fc"), want.at("fc"), 1e-6, 1e-7), "");
}

TEST(OnnxExport, ListsMissingAndMisshapedWeights) {
  const auto g = fused_graph();
  WeightMap weights = seeded_weights(*g, 7);
  weights.erase("stem.weight");
  weights["fc.bias"] = Tensor{TensorType({6})};
  try {
    export_onnx_model(*g, weights);
    FAIL() << "exported";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "cannot export graph @fused to ONNX: weight %stem.weight is missing; weight "
                 "%fc.bias is f32[6], the graph needs f32[5]");
  }
}

TEST(OnnxExport, WriteFailureNamesThePath) {
  const auto g = fused_graph();
  EXPECT_THROW(export_onnx(*g, seeded_weights(*g, 7), "/nonexistent-dir/m.onnx"), Error);
}

}  // namespace
}  // namespace kiln::onnx_test
