// Shared pieces for op definitions (ir/ops/*.cpp). Not part of the public IR API.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/op_registry.h"

namespace kiln::ops {

// Each file registers its op family.
void register_source_ops(std::vector<OpDef>& ops);
void register_conv2d(std::vector<OpDef>& ops);
void register_dense(std::vector<OpDef>& ops);
void register_batch_norm(std::vector<OpDef>& ops);
void register_elementwise_ops(std::vector<OpDef>& ops);
void register_activation_ops(std::vector<OpDef>& ops);
void register_lrn(std::vector<OpDef>& ops);
void register_pooling_ops(std::vector<OpDef>& ops);
void register_concat(std::vector<OpDef>& ops);
void register_shape_ops(std::vector<OpDef>& ops);
void register_softmax(std::vector<OpDef>& ops);

// Throws kiln::Error with the message (the caller adds the node's location).
[[noreturn]] void fail(const std::string& message);

// Operand i's type, checked to have `rank` dimensions (or any rank when -1).
const TensorType& operand_type(const Node& n, size_t i, int rank = -1);
// An ints attribute checked to have `count` entries, each >= min_value.
std::vector<int64_t> ints_of(const Node& n, const char* name, size_t count, int64_t min_value);
// Normalises a possibly negative axis into [0, rank); fails when out of range.
int normalize_axis(int64_t axis, int rank, const char* what = "axis");

// Output size of a sliding window over `in` (with padding lo/hi):
// floor or ceil of (in + lo + hi - dilation*(k-1) - 1) / stride + 1. In ceil
// mode the last window must start inside the input or the low padding
// (PyTorch and ONNX agree on this).
int64_t window_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad_lo,
                           int64_t pad_hi, int64_t dilation, bool ceil_mode);

// The epilogue attributes of conv2d and dense (ir/activation.h): `activation`
// and the optional parameters of the activations that have any.
void add_fused_activation_attrs(std::vector<AttrSpec>& attrs);
// Fails unless `activation` names a known activation and exactly its
// parameters are present, with valid values.
void check_fused_activation(const Node& n);

}  // namespace kiln::ops
