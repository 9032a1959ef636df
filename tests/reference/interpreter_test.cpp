// run() over multi-node graphs, input/weight binding errors, and the checks
// evaluate_node makes before dispatching.
#include "backend/reference/ops/ref_ops.h"
#include "ref_test_util.h"

namespace kiln::reference::testing {
namespace {

Node* input(Graph& g, const std::string& name, std::vector<int64_t> dims) {
  return g.add_node("input", name, {}, {}, TensorType(std::move(dims)));
}
Node* weight(Graph& g, const std::string& name, std::vector<int64_t> dims) {
  return g.add_node("weight", name, {}, {}, TensorType(std::move(dims)));
}

// x -> conv(1x1, bias) -> relu -> global_avg_pool (aux output) -> flatten
//   -> dense -> softmax (main output).
struct SmallNet {
  Graph g{"small"};
  WeightMap weights;
  TensorMap inputs;

  SmallNet() {
    Node* x = input(g, "x", {1, 1, 2, 2});
    Node* conv =
        g.add_node("conv2d", "conv", {x, weight(g, "cw", {2, 1, 1, 1}), weight(g, "cb", {2})},
                   attrs({{"kernel", ints({1, 1})}}));
    Node* act = g.add_node("relu", "act", {conv});
    Node* pool = g.add_node("global_avg_pool", "pool", {act});
    Node* flat = g.add_node("flatten", "flat", {pool});
    Node* fc = g.add_node("dense", "fc", {flat, weight(g, "fw", {2, 2})});
    Node* prob = g.add_node("softmax", "prob", {fc});
    g.add_output(prob);
    g.add_output(pool, OutputRole::aux);
    g.infer_shapes();
    inputs["x"] = tensor({1, 1, 2, 2}, {1, 2, 3, 4});
    weights["cw"] = tensor({2, 1, 1, 1}, {1, -1});
    weights["cb"] = tensor({2}, {0.5f, 0});
    weights["fw"] = tensor({2, 2}, {1, 0, 0, 1});
  }
};

TEST(Run, SmallNetOutputs) {
  // conv: ch0 = x + 0.5 = [1.5 .. 4.5], ch1 = -x; relu zeroes ch1;
  // pool = [3, 0]; fc (identity) = [3, 0]; softmax = [1/(1+e^-3), 1/(1+e^3)].
  SmallNet net;
  TensorMap out = run(net.g, net.weights, net.inputs);
  ASSERT_EQ(out.size(), 2u);
  expect_tensor(out.at("pool"), {1, 2, 1, 1}, {3, 0});
  expect_tensor(out.at("prob"), {1, 2}, {0.9525741268224334, 0.04742587317756678});
}

TEST(Run, KeepAllReturnsEveryValue) {
  SmallNet net;
  TensorMap out = run(net.g, net.weights, net.inputs, RunOptions{.keep_all = true});
  EXPECT_EQ(out.size(), net.g.size());
  expect_tensor(out.at("act"), {1, 2, 2, 2}, {1.5, 2.5, 3.5, 4.5, 0, 0, 0, 0});
  expect_tensor(out.at("flat"), {1, 2}, {3, 0});
  expect_tensor(out.at("cb"), {2}, {0.5, 0});
  expect_tensor(out.at("x"), {1, 1, 2, 2}, {1, 2, 3, 4});
}

TEST(Run, ExtraWeightsAreIgnored) {
  SmallNet net;
  net.weights["unused"] = tensor({1}, {7});
  EXPECT_EQ(run(net.g, net.weights, net.inputs).size(), 2u);
}

TEST(Run, OutputMayBeAnInputOrUsedTwice) {
  // %s = add(%x, %x) uses one value twice; %x is also an output.
  Graph g;
  Node* x = input(g, "x", {2});
  Node* s = g.add_node("add", "s", {x, x});
  Node* r = g.add_node("relu", "r", {s});
  g.add_output(r);
  g.add_output(x);
  g.infer_shapes();
  TensorMap out = run(g, {}, {{"x", tensor({2}, {-1, 2})}});
  expect_tensor(out.at("r"), {2}, {0, 4});
  expect_tensor(out.at("x"), {2}, {-1, 2});
}

TEST(Run, ConstantNode) {
  Graph g;
  Node* x = input(g, "x", {2, 2});
  AttrMap value;
  value.set("value", Attr(std::vector<double>{1, 2, 3, 4}));
  Node* c = g.add_node("constant", "c", {}, value, TensorType({2, 2}));
  g.add_output(g.add_node("add", "y", {x, c}));
  g.infer_shapes();
  expect_tensor(run(g, {}, {{"x", tensor({2, 2}, {10, 20, 30, 40})}}).at("y"), {2, 2},
                {11, 22, 33, 44});
  expect_tensor(evaluate_node(*c, {}), {2, 2}, {1, 2, 3, 4});
}

TEST(RunErrors, MissingInput) {
  SmallNet net;
  expect_error([&] { run(net.g, net.weights, {}); }, {"missing input", "%x", "f32[1,1,2,2]"});
}

TEST(RunErrors, WrongInputShape) {
  SmallNet net;
  TensorMap in = {{"x", tensor({1, 1, 1, 4}, {1, 2, 3, 4})}};
  expect_error([&] { run(net.g, net.weights, in); },
               {"%x", "f32[1,1,1,4]", "expected f32[1,1,2,2]"});
}

TEST(RunErrors, InputDataSizeDisagreesWithType) {
  SmallNet net;
  net.inputs["x"].data.pop_back();
  expect_error([&] { run(net.g, net.weights, net.inputs); }, {"%x", "3 values"});
}

TEST(RunErrors, UnknownInput) {
  SmallNet net;
  net.inputs["cw"] = tensor({1}, {0});  // a weight, not an input
  expect_error([&] { run(net.g, net.weights, net.inputs); }, {"%cw", "not an input"});
}

TEST(RunErrors, MissingWeight) {
  SmallNet net;
  net.weights.erase("fw");
  expect_error([&] { run(net.g, net.weights, net.inputs); }, {"missing weight", "%fw", "f32[2,2]"});
}

TEST(RunErrors, WrongWeightShape) {
  SmallNet net;
  net.weights["cb"] = tensor({3}, {0, 0, 0});
  expect_error([&] { run(net.g, net.weights, net.inputs); },
               {"weight %cb", "f32[3]", "expected f32[2]"});
}

TEST(RunErrors, StaleShapes) {
  // The input is resized without re-inferring: %y still claims f32[2].
  Graph g;
  Node* x = input(g, "x", {2});
  g.add_output(g.add_node("relu", "y", {x}));
  g.infer_shapes();
  x->set_type(TensorType({3}));
  expect_error([&] { run(g, {}, {{"x", tensor({3}, {1, 2, 3})}}); }, {"%y (relu)", "stale"});
}

TEST(RunErrors, UseBeforeDefinition) {
  Graph g;
  Node* x = input(g, "x", {2});
  Node* a = g.add_node("relu", "a", {x});
  Node* b = g.add_node("relu", "b", {x});
  a->set_input(0, b);
  g.add_output(a);
  g.infer_shapes();
  expect_error(
      [&] {
        run(g, {}, {{"x", tensor({2}, {1, 2})}});
      },
      {"%a", "%b", "before its definition"});
}

TEST(EvaluateNode, OperandCount) {
  Graph g;
  Node* y = g.add_node("relu", "y", {input(g, "x", {2})});
  g.infer_shapes();
  expect_error([&] { evaluate_node(*y, {}); }, {"%y (relu)", "0 operand values"});
}

TEST(EvaluateNode, OperandTypeMismatch) {
  Graph g;
  Node* y = g.add_node("relu", "y", {input(g, "x", {2})});
  g.infer_shapes();
  Tensor wrong = tensor({3}, {1, 2, 3});
  expect_error([&] { evaluate_node(*y, {&wrong}); }, {"%y (relu)", "%x", "f32[3]", "f32[2]"});
}

TEST(EvaluateNode, InvalidAttributesNameTheNode) {
  // Padding as large as the kernel; no infer_shapes so the node reaches the
  // interpreter unchecked.
  Graph g;
  Node* x = input(g, "x", {1, 1, 4, 4});
  Node* y = g.add_node("max_pool2d", "y", {x},
                       attrs({{"kernel", ints({2, 2})}, {"pad", ints({2, 0, 0, 0})}}));
  Tensor v(x->type());
  expect_error([&] { evaluate_node(*y, {&v}); }, {"%y (max_pool2d)", "padding"});
}

TEST(EvaluateNode, SourceNodesAreBoundByRun) {
  Graph g;
  Node* x = input(g, "x", {2});
  expect_error([&] { evaluate_node(*x, {}); }, {"%x (input)"});
}

TEST(EvaluateNode, EveryRegisteredOpHasAKernel) {
  for (const OpDef* def : all_ops()) {
    if (def->name == "input" || def->name == "weight") continue;
    EXPECT_NE(ops::find_kernel(def->name), nullptr) << def->name;
  }
}

}  // namespace
}  // namespace kiln::reference::testing
