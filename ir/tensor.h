// A dense f32 tensor that owns its data (NCHW, row-major).
#pragma once

#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "ir/error.h"
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

// The kiln::Error for failing to allocate `what` ("input %x"), a tensor of `type`:
// "out of memory allocating input %x f32[1,2147483647,4,4] (137438953408 bytes)".
Error out_of_memory(const std::string& what, const TensorType& type);

// f(), with an allocation failure (std::bad_alloc, or std::length_error for a size no vector
// can hold) reported as out_of_memory(what, type) rather than a bare "std::bad_alloc".
template <typename F>
auto allocating(const std::string& what, const TensorType& type, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    throw out_of_memory(what, type);
  } catch (const std::length_error&) {
    throw out_of_memory(what, type);
  }
}

// Weights by name (the `weight` node's value name without '%').
using WeightMap = std::map<std::string, Tensor>;
// Named tensors (graph inputs or outputs) by value name.
using TensorMap = std::map<std::string, Tensor>;

}  // namespace kiln
