// Conversions between onnx::TensorProto and Kiln tensors. Kiln computes in
// f32 only; integer tensors appear in ONNX models as parameters that the
// importer reads at import time (Reshape's shape, Pad's pads).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace kiln::onnx_io {

// "FLOAT", "UINT8", ... ("dtype 42" for an unknown code).
std::string dtype_name(int32_t onnx_dtype);

bool is_integer_dtype(int32_t onnx_dtype);
// Data stored outside the .onnx file (data_location EXTERNAL).
bool has_external_data(const onnx::TensorProto& t);

std::vector<int64_t> dims_of(const onnx::TensorProto& t);

// A FLOAT tensor's values. Throws kiln::Error naming the tensor when the
// dtype is not FLOAT or the stored data does not match the dims.
Tensor float_tensor(const onnx::TensorProto& t);
// An integer or BOOL tensor's values, widened to int64.
std::vector<int64_t> int_values(const onnx::TensorProto& t);
// The single value of a one-element FLOAT, DOUBLE or integer tensor.
double scalar_value(const onnx::TensorProto& t);

onnx::TensorProto make_float_proto(const std::string& name, const Tensor& t);
onnx::TensorProto make_int64_proto(const std::string& name, const std::vector<int64_t>& dims,
                                   const std::vector<int64_t>& values);

}  // namespace kiln::onnx_io
