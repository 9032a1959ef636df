#include "frontend/driver/run_report.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kiln::driver {

namespace {

constexpr int64_t kMinClasses = 10;

void print_ranking(std::ostream& os, const OutputInfo& o, const Tensor& t, int k) {
  int64_t items = t.type.dim(0), classes = t.type.dim(1);
  for (int64_t item = 0; item < items; ++item) {
    fmt::print(os, "  item {}: top-{} classes by {}\n", item, std::min<int64_t>(k, classes),
               o.probabilities ? "probability" : "score");
    for (const ScoredClass& c : top_k(t.ptr() + item * classes, classes, k))
      fmt::print(os, "    {:>6}  {:.6f}\n", c.index, c.score);
  }
}

}  // namespace

std::vector<ScoredClass> top_k(const float* row, int64_t n, int k) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  size_t keep = std::min<size_t>(static_cast<size_t>(k), order.size());
  // NaN ranks last: it would otherwise break the strict weak order.
  auto key = [&](int64_t i) { return std::isnan(row[i]) ? -INFINITY : row[i]; };
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), [&](int64_t a, int64_t b) {
    return key(a) > key(b) || (key(a) == key(b) && a < b);
  });
  std::vector<ScoredClass> out;
  for (size_t i = 0; i < keep; ++i) out.push_back({order[i], row[order[i]]});
  return out;
}

bool is_classifier_output(const TensorType& t) {
  return t.rank() == 2 && t.dim(1) >= kMinClasses;
}

std::vector<OutputInfo> output_infos(const Graph& g) {
  std::vector<OutputInfo> infos;
  // A softmax output holds probabilities; anything else (logits) only scores.
  for (const GraphOutput& o : g.outputs())
    infos.push_back({o.value->name(), o.role, o.value->is("softmax")});
  return infos;
}

void print_outputs(std::ostream& os, const std::vector<OutputInfo>& infos, const TensorMap& outputs,
                   int k) {
  for (const OutputInfo& o : infos) {
    const Tensor& t = outputs.at(o.name);
    fmt::print(os, "output %{} ({}) {}\n", o.name, output_role_name(o.role), t.type.str());
    if (is_classifier_output(t.type)) print_ranking(os, o, t, k);
  }
}

void print_outputs(std::ostream& os, const Graph& g, const TensorMap& outputs, int k) {
  print_outputs(os, output_infos(g), outputs, k);
}

}  // namespace kiln::driver
