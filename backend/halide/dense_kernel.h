// Fully connected layers: y = act(x * W^T + bias), x [N, in], W [out, in] (the IR's dense).
//
// At the batch sizes served here (1-3) a dense layer is a matrix-vector product whose cost is
// reading W once (9216 x 4096 floats = 151 MB for AlexNet's fc6), so the kernel is scheduled
// for bandwidth: the weights are read as a few long sequential streams, each weight vector
// once per tile of up to 4 rows of x (so once up to batch 4, bar a block or two of an
// overlapping last tile), and reused from a register for every row of the tile.
//
// Buffers, V = channel_block(target) (layout.h):
//   input    plain   (in, N), i.e. row-major [N][in]  (what flatten of NCHW, or
//                    global_avg_pool's plain output, already is)
//   weights  packed  (V, in, ceil(out/V)), i.e. row-major [ceil(out/V)][in][V]:
//                    block ob holds output features [ob*V, ob*V + V) for each input feature,
//                    so one vector load gives V output features' weights for one input and a
//                    block is a contiguous in*V-float stream; features past `out` are zero.
//                    See pack_dense_weights().
//   bias     packed  (ceil(out/V) * V), zero past out  (pack_bias() of layout.h); if has_bias
//   output   plain   (out, N), i.e. row-major [N][out]
// All buffers must be dense with mins at 0 (checked at run time).
//
// JIT: DenseKernel k(spec); auto out = k.make_output(); k.run({.input = x, .weights = w}, out);
// AOT: compile_dense(spec, target, "fc6", "out/fc6") gives `int fc6(halide_buffer_t* input,
//      halide_buffer_t* weights, [halide_buffer_t* bias,] halide_buffer_t* output)`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/activation.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

struct DenseSpec {
  int n = 1;    // batch
  int in = 1;   // input features
  int out = 1;  // output features
  bool has_bias = false;
  Activation activation = Activation::kNone;
  ActivationParams activation_params;  // only those `activation` uses (activation.h)

  double flops() const;  // 2 * n * in * out
  // e.g. "dense_n1_in9216_out4096_bias_relu".
  std::string to_string() const;
};

void validate(const DenseSpec& spec);

// Packed weight size in floats, and the repacking from the IR's [out][in] row-major weights.
std::size_t packed_dense_weights_size(int out, int in, int block);
void pack_dense_weights(const float* src, int out, int in, int block, float* dst);
// Buffer form: `weights` has Halide dims (in, out) (row-major [out][in]) and must be dense.
Halide::Buffer<float> pack_dense_weights(const Halide::Buffer<float>& weights, int block);

struct DensePipeline {
  DenseSpec spec;
  int block = 0;                            // V
  Halide::ImageParam input, weights, bias;  // bias used only if has_bias
  Halide::Var v{"v"}, ob{"ob"}, n{"n"}, o{"o"};
  Halide::RDom r;  // over input features
  // acc(v, ob, n): bias (or 0) plus one update accumulating over r, blocked by V features.
  Halide::Func acc{"dense_acc"};
  Halide::Func output{"dense_output"};  // output(o, n) = act(acc), plain

  // Inputs in AOT argument order: input, weights, [bias].
  std::vector<Halide::Argument> arguments() const;
};

DensePipeline define_dense(const DenseSpec& spec, int block);
// The register budget is the only ISA-specific input (32 zmm on AVX-512, 16 ymm on AVX2).
void schedule_dense(DensePipeline& p, const Halide::Target& target);
DensePipeline build_dense(const DenseSpec& spec, const Halide::Target& target);

// Run-time arguments; leave bias undefined when the spec has none.
struct DenseArgs {
  Halide::Buffer<float> input, weights, bias;
};

class DenseKernel {
 public:
  explicit DenseKernel(const DenseSpec& spec,
                       const Halide::Target& target = Halide::get_jit_target_from_environment());

  const DenseSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  Halide::Buffer<float> make_output() const;  // zeroed (out, N)
  void run(const DenseArgs& args, Halide::Buffer<float>& output);

 private:
  DensePipeline pipeline_;
  JitPipeline jit_;
};

void compile_dense(const DenseSpec& spec, const Halide::Target& target,
                   const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_dense_module(const DenseSpec& spec, const Halide::Target& target,
                                    const std::string& function_name);

}  // namespace kiln::halide
