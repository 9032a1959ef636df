// Elementwise kernels: add (optionally followed by an activation) of two same-shape tensors,
// and a standalone activation (relu, clip, leaky_relu, sigmoid; activation.h). Broadcasting is
// not supported (the graph's adds here are residual adds that were not fused into a conv).
//
// Buffers, V = channel_block(target) (layout.h), all of the same shape:
//   blocked (default)  (V, W, H, ceil(C/V), N)   pad lanes are computed like real lanes, so
//                                                zero pad lanes in give zero pad lanes out;
//                                                they are set to zero when act(0) != 0
//   plain (spec.blocked = false)  (W, H, C, N)
// All buffers must be dense with mins at 0 (checked at run time). Every element is read once
// and then written by the same vector store, so the output may alias either input (in-place).
//
// JIT: EltwiseKernel k(spec); auto out = k.make_output(); k.run({a, b}, out);
// AOT: compile_eltwise(spec, target, "res2a_add", "out/res2a_add") gives
//      `int res2a_add(halide_buffer_t* a, halide_buffer_t* b, halide_buffer_t* output)` for add
//      and `int fn(halide_buffer_t* a, halide_buffer_t* output)` for an activation.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/activation.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

// kAdd: activation(a + b), activation optional. kActivation: activation(a), activation required.
enum class EltwiseOp { kAdd, kActivation };

struct EltwiseSpec {
  EltwiseOp op = EltwiseOp::kAdd;
  int n = 1, c = 1, h = 1, w = 1;
  Activation activation = Activation::kNone;
  ActivationParams activation_params;  // only those `activation` uses (activation.h)
  bool blocked = true;                 // false: plain NCHW buffers

  int inputs() const { return op == EltwiseOp::kAdd ? 2 : 1; }
  double flops() const;  // one per element, as the IR counts add and the activations
  // e.g. "add_n1_c256_56x56_relu", "relu_n1_c64_112x112_plain", "clip0_6_n1_c32_56x56".
  std::string to_string() const;
};

void validate(const EltwiseSpec& spec);

struct EltwisePipeline {
  EltwiseSpec spec;
  int block = 0;            // V
  Halide::ImageParam a, b;  // b only for add
  // One Var per buffer dimension, innermost first (5 blocked, 4 plain).
  std::vector<Halide::Var> vars;
  Halide::Func output{"eltwise_output"};

  std::vector<Halide::Argument> arguments() const;
};

EltwisePipeline define_eltwise(const EltwiseSpec& spec, int block);
void schedule_eltwise(EltwisePipeline& p, const Halide::Target& target);
EltwisePipeline build_eltwise(const EltwiseSpec& spec, const Halide::Target& target);

class EltwiseKernel {
 public:
  explicit EltwiseKernel(const EltwiseSpec& spec,
                         const Halide::Target& target = Halide::get_jit_target_from_environment());

  const EltwiseSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  // Zeroed buffer of the spec's layout (blocked or plain).
  Halide::Buffer<float> make_output() const;
  // `inputs` holds spec.inputs() buffers in argument order (a, b).
  void run(const std::vector<Halide::Buffer<float>>& inputs, Halide::Buffer<float>& output);

 private:
  EltwisePipeline pipeline_;
  JitPipeline jit_;
};

void compile_eltwise(const EltwiseSpec& spec, const Halide::Target& target,
                     const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_eltwise_module(const EltwiseSpec& spec, const Halide::Target& target,
                                      const std::string& function_name);

}  // namespace kiln::halide
