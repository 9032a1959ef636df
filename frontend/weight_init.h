// Deterministic synthetic weights and inputs, for running models without a
// trained weights file (tests, benchmarks, `kiln run --seeded`).
//
// Values come from a PRNG written here (splitmix64 + Box-Muller), not from
// <random>'s distributions, whose output differs between standard libraries.
// Each tensor's values depend only on (seed, tensor name, shape) and the
// role below, never on the graph's node order, so two graphs sharing a layer
// get the same tensor for it.
#pragma once

#include <cstdint>
#include <string>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln {

// What a weight is for, from its first user and the operand slot it fills.
// The distributions keep activations O(1) through deep nets (ResNet-50):
enum class WeightRole {
  conv_weight,   // conv2d operand 1: He, N(0, 2 / fan_in)
  dense_weight,  // dense operand 1: He, N(0, 2 / fan_in)
  bias,          // conv2d/dense operand 2: N(0, 0.01^2)
  bn_scale,      // batch_norm operand 1: U(0.5, 1)
  bn_bias,       // batch_norm operand 2: N(0, 0.1^2)
  bn_mean,       // batch_norm operand 3: N(0, 0.1^2)
  bn_variance,   // batch_norm operand 4: U(0.5, 2)
  other,         // any other operand: N(0, 1), like an input
  unused,        // used by no op: zeros
};

const char* weight_role_name(WeightRole r);
WeightRole weight_role(const Graph& g, const Node& weight);

// One tensor: depends only on the arguments.
Tensor seeded_tensor(const std::string& name, const TensorType& type, WeightRole role,
                     uint64_t seed);

// A tensor for every `weight` node.
WeightMap seeded_weights(const Graph& g, uint64_t seed = 1);

// An image-like input: N(0, 1) values depending only on (type, seed).
Tensor seeded_input(const TensorType& type, uint64_t seed);

}  // namespace kiln
