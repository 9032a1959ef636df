// Helpers shared by the ONNX tests: tensor comparison and test-data paths.
#pragma once

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ir/tensor.h"

namespace kiln::onnx_test {

// Where Debian's libonnx-testdata puts ONNX's backend test cases.
inline std::filesystem::path onnx_testdata_root() {
  return "/usr/share/libonnx-testdata/data";
}

// "" when every element of `actual` is within atol + rtol * |expected| (NaN
// matching NaN), else a description of the first mismatch and the worst one.
inline std::string compare_tensors(const Tensor& actual, const Tensor& expected, double rtol,
                                   double atol) {
  if (actual.dims() != expected.dims())
    return "shape " + actual.type.str() + " differs from the expected " + expected.type.str();
  if (actual.data.size() != expected.data.size()) return "element counts differ";
  size_t bad = 0, first = 0, worst = 0;
  double worst_excess = 0;
  for (size_t i = 0; i < actual.data.size(); ++i) {
    const double a = actual.data[i], e = expected.data[i];
    if (std::isnan(a) && std::isnan(e)) continue;
    const double excess = std::abs(a - e) - (atol + rtol * std::abs(e));
    if (excess > 0 || std::isnan(excess)) {
      if (bad++ == 0) first = i;
      if (!(excess <= worst_excess)) worst_excess = excess, worst = i;
    }
  }
  if (bad == 0) return "";
  auto at = [&](size_t i) {
    return std::string("[") + std::to_string(i) + "] " + std::to_string(actual.data[i]) +
           " vs expected " + std::to_string(expected.data[i]);
  };
  return std::to_string(bad) + " of " + std::to_string(actual.data.size()) +
         " elements differ; first " + at(first) + "; worst " + at(worst);
}

// Largest |a - b| over all elements (infinity on a shape mismatch).
inline double max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.dims() != b.dims()) return INFINITY;
  double m = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    m = std::max(m, static_cast<double>(std::abs(a.data[i] - b.data[i])));
  return m;
}

}  // namespace kiln::onnx_test
