// Internal to the reference interpreter: one kernel per op, plus the few
// helpers they share. Kernels are deliberately naive loops; they are the
// oracle that every optimised backend is compared against, so clarity wins
// over speed everywhere.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ir/activation.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln::reference::ops {

using Operands = std::vector<const Tensor*>;

// By the time a kernel runs, evaluate_node has checked the operand count, that
// each operand has exactly its operand node's type, and that `out` is the
// type the op's shape inference gives (which also validated the attributes).
// Kernels can therefore index without further checks.
using Kernel = Tensor (*)(const Node& n, const Operands& in, const TensorType& out);

// nullptr when the op has no reference kernel.
Kernel find_kernel(std::string_view op);

Tensor constant(const Node& n, const Operands& in, const TensorType& out);
Tensor conv2d(const Node& n, const Operands& in, const TensorType& out);
Tensor dense(const Node& n, const Operands& in, const TensorType& out);
Tensor batch_norm(const Node& n, const Operands& in, const TensorType& out);
// relu, clip, leaky_relu and sigmoid: ActivationFn::apply on every element.
Tensor activation(const Node& n, const Operands& in, const TensorType& out);
Tensor add(const Node& n, const Operands& in, const TensorType& out);
Tensor dropout(const Node& n, const Operands& in, const TensorType& out);
Tensor lrn(const Node& n, const Operands& in, const TensorType& out);
Tensor max_pool2d(const Node& n, const Operands& in, const TensorType& out);
Tensor avg_pool2d(const Node& n, const Operands& in, const TensorType& out);
Tensor global_avg_pool(const Node& n, const Operands& in, const TensorType& out);
Tensor concat(const Node& n, const Operands& in, const TensorType& out);
Tensor flatten(const Node& n, const Operands& in, const TensorType& out);
Tensor reshape(const Node& n, const Operands& in, const TensorType& out);
Tensor softmax(const Node& n, const Operands& in, const TensorType& out);

// Product of dims[begin, end).
int64_t product(const std::vector<int64_t>& dims, size_t begin, size_t end);

}  // namespace kiln::reference::ops
