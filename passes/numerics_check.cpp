#include "passes/numerics_check.h"

#include <algorithm>
#include <cmath>

#include "backend/reference/interpreter.h"
#include "frontend/weight_init.h"

namespace kiln::passes {

namespace {

std::vector<const Node*> main_outputs(const Graph& g) {
  std::vector<const Node*> out;
  for (const GraphOutput& o : g.outputs())
    if (o.role == OutputRole::main) out.push_back(o.value);
  return out;
}

std::vector<Tensor> run_main_outputs(const Graph& g, const WeightMap& weights,
                                     const TensorMap& inputs) {
  TensorMap results = reference::run(g, weights, inputs);
  std::vector<Tensor> out;
  for (const Node* n : main_outputs(g)) out.push_back(std::move(results.at(n->name())));
  return out;
}

double element_error(double a, double b, double floor) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return 0;
  // NaN or infinity on one side only.
  if (!std::isfinite(a) || !std::isfinite(b)) return INFINITY;
  return std::fabs(a - b) / std::max({std::fabs(a), std::fabs(b), floor});
}

}  // namespace

Discrepancy compare_tensor(const std::string& output, const Tensor& expected,
                           const Tensor& actual) {
  Discrepancy d;
  d.output = output;
  if (expected.type != actual.type) {
    d.problem = "%" + output + " is " + actual.type.str() + ", expected " + expected.type.str();
    d.error = INFINITY;
    return d;
  }
  double scale = 0;
  for (float v : expected.data) scale = std::max(scale, std::fabs(static_cast<double>(v)));
  const double floor = kRelativeFloor * scale;
  for (size_t i = 0; i < expected.data.size(); ++i) {
    const double err = element_error(expected.data[i], actual.data[i], floor);
    if (err <= d.error) continue;
    d.error = err;
    d.index = static_cast<int64_t>(i);
    d.expected = expected.data[i];
    d.actual = actual.data[i];
  }
  return d;
}

NumericsCheck::NumericsCheck(const Graph& g, WeightMap& weights, uint64_t seed) {
  if (weights.empty()) weights = seeded_weights(g, seed);
  uint64_t input_seed = seed;
  for (const Node* in : g.inputs()) inputs_[in->name()] = seeded_input(in->type(), input_seed++);
  baseline_ = run_main_outputs(g, weights, inputs_);
}

Discrepancy NumericsCheck::compare(const Graph& g, const WeightMap& weights) const {
  std::vector<const Node*> outputs = main_outputs(g);
  if (outputs.size() != baseline_.size()) {
    Discrepancy d;
    d.error = INFINITY;
    d.problem = "the graph has " + std::to_string(outputs.size()) + " main outputs, expected " +
                std::to_string(baseline_.size());
    return d;
  }
  std::vector<Tensor> now = run_main_outputs(g, weights, inputs_);
  Discrepancy worst;
  for (size_t i = 0; i < now.size(); ++i) {
    Discrepancy d = compare_tensor(outputs[i]->name(), baseline_[i], now[i]);
    if (!d.problem.empty()) return d;
    if (d.error > worst.error || worst.output.empty()) worst = d;
  }
  return worst;
}

}  // namespace kiln::passes
