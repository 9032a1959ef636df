// Tensor types: element type plus a static shape. Graph-level tensors are NCHW.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

enum class DType { f32 };

const char* dtype_name(DType t);

struct TensorType {
  DType dtype = DType::f32;
  std::vector<int64_t> dims;

  TensorType() = default;
  explicit TensorType(std::vector<int64_t> d, DType t = DType::f32)
      : dtype(t), dims(std::move(d)) {}

  int rank() const { return static_cast<int>(dims.size()); }
  int64_t dim(int i) const { return dims.at(static_cast<size_t>(i)); }
  int64_t num_elements() const;
  int64_t size_bytes() const { return num_elements() * 4; }
  // "f32[1,64,56,56]", the spelling used by the text IR.
  std::string str() const;

  bool operator==(const TensorType& o) const { return dtype == o.dtype && dims == o.dims; }
  bool operator!=(const TensorType& o) const { return !(*this == o); }
};

}  // namespace kiln
