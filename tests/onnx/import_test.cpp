// Importer mappings that ONNX's conformance cases do not reach: Clip's
// bounds in both opset forms, LeakyRelu's default, Pad folding,
// MatMul + Add fusion, pre-13 Softmax coercion, naming, shapes of inputs,
// and the load_model_any entry point.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <utility>

#include "backend/reference/interpreter.h"
#include "frontend/onnx/model_loader.h"
#include "frontend/onnx/onnx_importer.h"
#include "ir/printer.h"
#include "tests/onnx/onnx_model_maker.h"
#include "tests/onnx/onnx_test_util.h"

namespace kiln::onnx_test {
namespace {

using onnx_io::set_attr;

// x zero-padded in H and W by [top, left, bottom, right].
Tensor zero_pad(const Tensor& x, int64_t t, int64_t l, int64_t b, int64_t r) {
  const int64_t N = x.dims()[0], C = x.dims()[1], H = x.dims()[2], W = x.dims()[3];
  Tensor y{TensorType({N, C, H + t + b, W + l + r})};
  for (int64_t p = 0; p < N * C; ++p)
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < W; ++j)
        y.data[(p * (H + t + b) + i + t) * (W + l + r) + j + l] = x.data[(p * H + i) * W + j];
  return y;
}

Tensor run_single(const ImportedModel& m, const Tensor& x) {
  TensorMap out = reference::run(*m.graph, m.weights, {{m.graph->inputs().at(0)->name(), x}});
  return out.at(m.graph->outputs().at(0).value->name());
}

const Node* only_node(const Graph& g, const std::string& op) {
  const Node* found = nullptr;
  for (const Node* n : g.nodes())
    if (n->is(op)) {
      EXPECT_EQ(found, nullptr) << "more than one " << op;
      found = n;
    }
  return found;
}

// A window op on Pad's output equals the op on data padded beforehand.
void expect_pad_folds(const std::string& op, void (*set_attrs)(onnx::NodeProto&),
                      bool with_weight) {
  const Tensor x = pattern_tensor({1, 2, 5, 6});
  const Tensor w = pattern_tensor({3, 2, 3, 3}, 0.5f);
  OnnxModelMaker folded;
  folded.input("x", {1, 2, 5, 6}).output("y").int_initializer("pads", {0, 0, 1, 2, 0, 0, 3, 1});
  folded.node("Pad", {"x", "pads"}, {"padded"}, "pad");
  std::vector<std::string> operands = {"padded"};
  if (with_weight) folded.initializer("w", w), operands.push_back("w");
  set_attrs(folded.node(op, operands, {"y"}));

  OnnxModelMaker plain;
  plain.input("x", {1, 2, 9, 9}).output("y");
  operands[0] = "x";
  if (with_weight) plain.initializer("w", w);
  set_attrs(plain.node(op, operands, {"y"}));

  const ImportedModel a = import_onnx_model(folded.model(), "folded");
  const ImportedModel b = import_onnx_model(plain.model(), "plain");
  EXPECT_EQ(compare_tensors(run_single(a, x), run_single(b, zero_pad(x, 1, 2, 3, 1)), 1e-6, 0), "")
      << print_graph(*a.graph);
}

TEST(OnnxImport, ZeroPadFoldsIntoConv) {
  expect_pad_folds(
      "Conv",
      [](onnx::NodeProto& n) {
        set_attr(n, "pads", std::vector<int64_t>{1, 0, 0, 1});
      },
      true);
}

TEST(OnnxImport, ZeroPadFoldsIntoAveragePool) {
  expect_pad_folds(
      "AveragePool",
      [](onnx::NodeProto& n) {
        set_attr(n, "kernel_shape", std::vector<int64_t>{4, 4});
        set_attr(n, "strides", std::vector<int64_t>{2, 1});
      },
      false);
}

TEST(OnnxImport, ZeroPadBeforeMaxPoolIsReportedOnThePad) {
  OnnxModelMaker m;
  m.input("x", {1, 1, 4, 4}).output("y").int_initializer("pads", {0, 0, 1, 1, 0, 0, 1, 1});
  m.node("Pad", {"x", "pads"}, {"p"}, "pad_1");
  set_attr(m.node("MaxPool", {"p"}, {"y"}), "kernel_shape", std::vector<int64_t>{2, 2});
  try {
    import_onnx_model(m.model(), "m.onnx");
    FAIL() << "imported";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported ONNX ops: Pad (1 node: pad_1 (zero padding "
                                         "cannot fold into the MaxPool"),
              std::string::npos)
        << e.what();
  }
}

TEST(OnnxImport, MatMulThenBiasAddIsOneDense) {
  OnnxModelMaker m;
  Tensor b = pattern_tensor({4, 3});
  Tensor bias = pattern_tensor({3}, 0.25f);
  m.input("x", {2, 4}).output("y").initializer("b", b).initializer("bias", bias);
  m.node("MatMul", {"x", "b"}, {"xb"});
  m.node("Add", {"bias", "xb"}, {"y"});
  const ImportedModel im = import_onnx_model(m.model(), "m.onnx");
  const Node* dense = only_node(*im.graph, "dense");
  ASSERT_NE(dense, nullptr);
  EXPECT_EQ(dense->name(), "y");
  EXPECT_EQ(dense->num_inputs(), 3u);
  EXPECT_EQ(only_node(*im.graph, "add"), nullptr);

  const Tensor x = pattern_tensor({2, 4}, 0.5f);
  Tensor want{TensorType({2, 3})};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      double s = bias.data[j];
      for (int k = 0; k < 4; ++k) s += double{x.data[i * 4 + k]} * b.data[k * 3 + j];
      want.data[i * 3 + j] = static_cast<float>(s);
    }
  EXPECT_EQ(compare_tensors(run_single(im, x), want, 1e-6, 1e-7), "");
}

TEST(OnnxImport, SoftmaxBeforeOpset13NormalisesTheTrailingDims) {
  OnnxModelMaker m(11);
  m.input("x", {2, 3, 4}).output("y");
  set_attr(m.node("Softmax", {"x"}, {"y"}), "axis", int64_t{1});
  const ImportedModel im = import_onnx_model(m.model(), "m.onnx");
  const Tensor x = pattern_tensor({2, 3, 4});
  Tensor want{x.type};
  for (int row = 0; row < 2; ++row) {
    double sum = 0;
    for (int k = 0; k < 12; ++k) sum += std::exp(double{x.data[row * 12 + k]});
    for (int k = 0; k < 12; ++k)
      want.data[row * 12 + k] = static_cast<float>(std::exp(double{x.data[row * 12 + k]}) / sum);
  }
  EXPECT_EQ(compare_tensors(run_single(im, x), want, 1e-6, 1e-7), "");
  // Re-batching keeps the semantics: the reshape back infers the batch.
  im.graph->set_batch(3);
  EXPECT_EQ(im.graph->outputs()[0].value->type().dims, (std::vector<int64_t>{3, 3, 4}));
}

TEST(OnnxImport, SoftmaxBeforeOpset13OverTrailingOnesIsOneSoftmax) {
  OnnxModelMaker m(11);
  m.input("x", {2, 5, 1, 1}).output("y");
  m.node("Softmax", {"x"}, {"y"});
  const ImportedModel im = import_onnx_model(m.model(), "m.onnx");
  EXPECT_NE(only_node(*im.graph, "softmax"), nullptr);
  EXPECT_EQ(only_node(*im.graph, "reshape"), nullptr);
}

// [min, max] of the one clip the model imports to (NaNs, which equal
// nothing, when there is none).
std::pair<double, double> imported_clip_bounds(const onnx::ModelProto& m) {
  const ImportedModel imported = import_onnx_model(m, "clip.onnx");
  const Node* clip = only_node(*imported.graph, "clip");
  if (!clip) return {NAN, NAN};
  return {clip->float_attr("min"), clip->float_attr("max")};
}

// Opset 6: bounds are attributes, absent ones are the float range.
TEST(OnnxImport, ClipBeforeOpset11ReadsAttributes) {
  OnnxModelMaker m(6);
  m.input("x", {1, 4}).output("y");
  set_attr(m.node("Clip", {"x"}, {"y"}), "max", 6.0);
  const auto [min, max] = imported_clip_bounds(m.model());
  // The shortest decimal of the f32 limit (import keeps f32 attributes that way).
  EXPECT_EQ(static_cast<float>(min), std::numeric_limits<float>::lowest());
  EXPECT_EQ(max, 6.0);
}

// Opset 11+: bounds are optional constant inputs; a missing one is no bound.
TEST(OnnxImport, ClipFromOpset11ReadsConstantInputs) {
  OnnxModelMaker m(13);
  m.input("x", {1, 4})
      .output("y")
      .initializer("lo", Tensor(TensorType(std::vector<int64_t>{}), {-0.5f}));
  m.node("Clip", {"x", "lo"}, {"y"});
  EXPECT_EQ(imported_clip_bounds(m.model()),
            std::make_pair(-0.5, std::numeric_limits<double>::infinity()));

  OnnxModelMaker only_max(12);
  only_max.input("x", {1, 4})
      .output("y")
      .initializer("hi", Tensor(TensorType(std::vector<int64_t>{}), {6.0f}));
  only_max.node("Clip", {"x", "", "hi"}, {"y"});
  EXPECT_EQ(imported_clip_bounds(only_max.model()),
            std::make_pair(-std::numeric_limits<double>::infinity(), 6.0));
}

TEST(OnnxImport, LeakyReluAlphaDefaultsToOnePercent) {
  OnnxModelMaker m(13);
  m.input("x", {1, 4}).output("y");
  m.node("LeakyRelu", {"x"}, {"y"});
  const ImportedModel imported = import_onnx_model(m.model(), "leaky.onnx");
  const Node* leaky = only_node(*imported.graph, "leaky_relu");
  ASSERT_NE(leaky, nullptr);
  EXPECT_EQ(leaky->float_attr("alpha"), 0.01);
}

TEST(OnnxImport, NamesAreSanitisedAndUnique) {
  OnnxModelMaker m;
  m.input("in:put", {1, 2}).output("a_b").output("a:b");
  m.node("Relu", {"in:put"}, {"a:b"});
  m.node("Relu", {"a:b"}, {"a_b"});
  const ImportedModel im = import_onnx_model(m.model(), "m.onnx");
  EXPECT_EQ(im.graph->inputs()[0]->name(), "in_put");
  EXPECT_EQ(im.graph->outputs()[0].value->name(), "a_b.1");
  EXPECT_EQ(im.graph->outputs()[1].value->name(), "a_b");
}

TEST(OnnxImport, SymbolicBatchBecomesOneAndInitializersAreNotInputs) {
  OnnxModelMaker m;
  m.input("x", {-1, 3}).input("w", {3}).output("y").initializer("w", pattern_tensor({3}));
  m.node("Add", {"x", "w"}, {"y"});
  const ImportedModel im = import_onnx_model(m.model(), "m.onnx");
  ASSERT_EQ(im.graph->inputs().size(), 1u);
  EXPECT_EQ(im.graph->inputs()[0]->type().dims, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(im.graph->weights().size(), 1u);
  EXPECT_TRUE(im.weights.count("w"));
  EXPECT_EQ(im.graph->outputs()[0].role, OutputRole::main);
}

TEST(OnnxImport, LoadModelAnyReadsOnnxAndTextIr) {
  OnnxModelMaker m;
  m.input("x", {1, 3}).output("y").initializer("w", pattern_tensor({3}));
  m.node("Add", {"x", "w"}, {"y"});
  const std::string path = m.save("kiln_load_any.ONNX");
  WeightMap weights;
  std::unique_ptr<Graph> g = load_model_any(path, &weights);
  EXPECT_EQ(g->size(), 3u);
  EXPECT_TRUE(weights.count("w"));
  std::filesystem::remove(path);

  EXPECT_TRUE(is_onnx_path("a/b.onnx"));
  EXPECT_FALSE(is_onnx_path("model.kir"));
  WeightMap untouched = {{"keep", Tensor{}}};
  g = load_model_any(std::string(KILN_SOURCE_DIR) + "/models/nin.kir", &untouched);
  EXPECT_EQ(g->name(), "nin");
  EXPECT_TRUE(untouched.count("keep"));
}

}  // namespace
}  // namespace kiln::onnx_test
