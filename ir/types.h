// Tensor types: element type plus a static shape. Graph-level tensors are NCHW.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

enum class DType { f32 };

const char* dtype_name(DType t);

// The element count of a shape, or nullopt when it or its f32 byte size
// overflows int64: the overflow-checked product that types, shape inference
// and the weight readers share. Wrapped products of hostile dimensions gave
// wrong sizes and divisions by zero.
std::optional<int64_t> checked_element_count(const std::vector<int64_t>& dims);

struct TensorType {
  DType dtype = DType::f32;
  std::vector<int64_t> dims;

  TensorType() = default;
  explicit TensorType(std::vector<int64_t> d, DType t = DType::f32)
      : dtype(t), dims(std::move(d)) {}

  int rank() const { return static_cast<int>(dims.size()); }
  int64_t dim(int i) const { return dims.at(static_cast<size_t>(i)); }
  // Throw kiln::Error (without a location) when the size overflows int64;
  // parsers and shape inference call check_size() first, at the source.
  int64_t num_elements() const;
  int64_t size_bytes() const { return num_elements() * 4; }
  void check_size() const { (void)num_elements(); }
  // "f32[1,64,56,56]", the spelling used by the text IR.
  std::string str() const;

  bool operator==(const TensorType& o) const { return dtype == o.dtype && dims == o.dims; }
  bool operator!=(const TensorType& o) const { return !(*this == o); }
};

}  // namespace kiln
