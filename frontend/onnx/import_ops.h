// The per-op ONNX converters. Each reads one NodeProto, appends the Kiln
// nodes that compute it through ctx.builder(), and defines the node's
// outputs in ctx; it throws Unsupported for what Kiln cannot represent.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

#include "frontend/onnx/import_context.h"

namespace kiln::onnx_io {

using Converter = void (*)(ImportContext&, const onnx::NodeProto&);

// nullptr for an op type without a converter.
Converter find_converter(const std::string& op_type);

// import_conv_pool.cpp
void convert_conv(ImportContext& ctx, const onnx::NodeProto& n);
void convert_max_pool(ImportContext& ctx, const onnx::NodeProto& n);
void convert_average_pool(ImportContext& ctx, const onnx::NodeProto& n);
void convert_global_average_pool(ImportContext& ctx, const onnx::NodeProto& n);
// import_pad.cpp
void convert_pad(ImportContext& ctx, const onnx::NodeProto& n);
// import_dense.cpp
void convert_gemm(ImportContext& ctx, const onnx::NodeProto& n);
void convert_matmul(ImportContext& ctx, const onnx::NodeProto& n);
// import_activation.cpp
void convert_relu(ImportContext& ctx, const onnx::NodeProto& n);
void convert_clip(ImportContext& ctx, const onnx::NodeProto& n);
void convert_leaky_relu(ImportContext& ctx, const onnx::NodeProto& n);
void convert_sigmoid(ImportContext& ctx, const onnx::NodeProto& n);
// import_elementwise.cpp
void convert_add(ImportContext& ctx, const onnx::NodeProto& n);
void convert_sum(ImportContext& ctx, const onnx::NodeProto& n);
void convert_dropout(ImportContext& ctx, const onnx::NodeProto& n);
void convert_identity(ImportContext& ctx, const onnx::NodeProto& n);
// import_norm.cpp
void convert_batch_norm(ImportContext& ctx, const onnx::NodeProto& n);
void convert_lrn(ImportContext& ctx, const onnx::NodeProto& n);
// import_shape.cpp
void convert_flatten(ImportContext& ctx, const onnx::NodeProto& n);
void convert_reshape(ImportContext& ctx, const onnx::NodeProto& n);
void convert_concat(ImportContext& ctx, const onnx::NodeProto& n);
void convert_softmax(ImportContext& ctx, const onnx::NodeProto& n);
void convert_constant(ImportContext& ctx, const onnx::NodeProto& n);

// Shared helpers.
// A reshape node (ONNX semantics: 0 copies a dimension, -1 is inferred).
Node* add_reshape(ImportContext& ctx, const std::string& name, Node* x, std::vector<int64_t> shape);
// Operand i of n, which must be present.
const std::string& operand(const onnx::NodeProto& n, int i);

}  // namespace kiln::onnx_io
