// Per-op lowerings used by lower_graph.cpp. Each appends the kernels, weight
// tensors and steps for one node and records where its value lives.
#pragma once

#include "backend/halide/activation.h"
#include "backend/halide/lowering_context.h"
#include "ir/activation.h"

namespace kiln::halide {

void lower_conv2d(LoweringContext& cx, const Node& n);
// An unfolded batch_norm becomes a depthwise 1x1 conv2d with bias.
void lower_batch_norm(LoweringContext& cx, const Node& n);
void lower_pool2d(LoweringContext& cx, const Node& n);
void lower_global_avg_pool(LoweringContext& cx, const Node& n);
void lower_lrn(LoweringContext& cx, const Node& n);
// add and the activation ops (relu, clip, leaky_relu, sigmoid).
void lower_eltwise(LoweringContext& cx, const Node& n);
void lower_dense(LoweringContext& cx, const Node& n);
void lower_softmax(LoweringContext& cx, const Node& n);
// flatten, reshape, dropout: views of their operand, no kernel.
void lower_view(LoweringContext& cx, const Node& n);
// concat without an in-place plan: a copying kernel.
void lower_concat(LoweringContext& cx, const Node& n);

// The kernel form of an IR activation (bounds and slopes round to f32), and
// " +relu"-style text for step descriptions ("" for none).
Activation kernel_activation(const ActivationFn& f);
ActivationParams kernel_activation_params(const ActivationFn& f);
std::string activation_description(const ActivationFn& f);

}  // namespace kiln::halide
