// --verify-numerics: the graph's main outputs on one seeded input, before the
// pipeline and after each pass, through the reference interpreter.
//
// Error measure, per element:
//     |a - b| / max(|a|, |b|, floor),   floor = 1e-3 * max |expected| over the tensor
// i.e. relative where an element is not tiny next to its tensor and absolute
// (in units of the tensor's scale) where it is. A pure elementwise relative
// error would fail on values that cancel to near zero: rounding the folded
// weights moves such an element by ~1e-7 of the tensor's scale, which is a
// large fraction of the element itself. The worst element over all main
// outputs is reported, with its output and flat index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln::passes {

inline constexpr double kRelativeFloor = 1e-3;

struct Discrepancy {
  double error = 0;    // the worst relative error
  std::string output;  // the main output holding it (its name in the checked graph)
  int64_t index = -1;  // flat index into that output
  double expected = 0, actual = 0;
  std::string problem;  // set when the outputs cannot be compared at all
};

// The error of `actual` against `expected`; both must have the same shape.
Discrepancy compare_tensor(const std::string& output, const Tensor& expected, const Tensor& actual);

class NumericsCheck {
 public:
  // Runs the reference interpreter on `g`. With an empty weight map, binds
  // seeded weights into it first.
  NumericsCheck(const Graph& g, WeightMap& weights, uint64_t seed);

  // Runs `g` on the same input and compares its main outputs, position by
  // position, with the baseline.
  Discrepancy compare(const Graph& g, const WeightMap& weights) const;

 private:
  TensorMap inputs_;
  std::vector<Tensor> baseline_;  // main outputs in order
};

}  // namespace kiln::passes
