// Every zoo model runs end to end on the reference interpreter with seeded
// weights and input, and gives sane logits: finite, not constant, with a
// spread far from both underflow and blow-up. This is what shows the seeded
// initialisation keeps activations O(1) through each architecture. One run
// per model (VGG-16 alone is ~31 GFLOP on plain loops), timed in the log.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <iostream>

#include "backend/reference/interpreter.h"
#include "frontend/weight_init.h"
#include "models/zoo.h"

namespace kiln {
namespace {

struct Summary {
  double mean = 0, stddev = 0, min = INFINITY, max = -INFINITY;
  bool finite = true;
};

Summary summarize(const Tensor& t) {
  Summary s;
  double sum = 0, sq = 0;
  for (float v : t.data) {
    s.finite &= std::isfinite(v);
    sum += v;
    sq += double{v} * v;
    s.min = std::min(s.min, double{v});
    s.max = std::max(s.max, double{v});
  }
  double n = static_cast<double>(t.data.size());
  s.mean = sum / n;
  s.stddev = std::sqrt(std::max(0.0, sq / n - s.mean * s.mean));
  return s;
}

class ZooReferenceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooReferenceTest, SeededRunGivesSaneLogits) {
  auto g = build_zoo_model(GetParam());
  Node* prob = g->outputs().at(0).value;
  Node* logits = prob->input(0);
  // Expose the logits too (the main output is their softmax).
  g->add_output(logits, OutputRole::aux);

  WeightMap weights = seeded_weights(*g, 1);
  TensorMap inputs;
  inputs["data"] = seeded_input(g->find("data")->type(), 1);
  // Wall and CPU time: on a loaded machine the wall time alone misleads.
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  TensorMap out = reference::run(*g, weights, inputs);
  double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ zoo-run  ] " << GetParam() << ": reference run " << wall << " s wall, " << cpu
            << " s CPU\n";
  RecordProperty("reference_wall_seconds", std::to_string(wall));
  RecordProperty("reference_cpu_seconds", std::to_string(cpu));

  for (const auto& o : g->outputs()) {
    const Tensor& t = out.at(o.value->name());
    Summary s = summarize(t);
    std::cout << "[ zoo-run  ]   %" << o.value->name() << ": mean " << s.mean << ", std "
              << s.stddev << ", range [" << s.min << ", " << s.max << "]\n";
    EXPECT_TRUE(s.finite) << o.value->name();
    if (o.value == prob) {
      double total = s.mean * static_cast<double>(t.size());
      EXPECT_NEAR(total, 1.0, 1e-4);
    } else {
      EXPECT_GT(s.max, s.min) << o.value->name() << " is constant";
      EXPECT_GT(s.stddev, 1e-3) << o.value->name();
      EXPECT_LT(s.stddev, 1e3) << o.value->name();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooReferenceTest, ::testing::ValuesIn(zoo_model_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kiln
