// A dense f32 tensor that owns its data (NCHW, row-major).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/types.h"

namespace kiln {

struct Tensor {
  TensorType type;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(TensorType t)
      : type(std::move(t)), data(static_cast<size_t>(type.num_elements()), 0.0f) {}
  Tensor(TensorType t, std::vector<float> d) : type(std::move(t)), data(std::move(d)) {}

  const std::vector<int64_t>& dims() const { return type.dims; }
  int64_t size() const { return static_cast<int64_t>(data.size()); }
  float* ptr() { return data.data(); }
  const float* ptr() const { return data.data(); }
};

// Weights by name (the `weight` node's value name without '%').
using WeightMap = std::map<std::string, Tensor>;
// Named tensors (graph inputs or outputs) by value name.
using TensorMap = std::map<std::string, Tensor>;

}  // namespace kiln
