// Cross-channel local response normalisation (AlexNet, GoogLeNet) over channel-blocked
// activations, with the graph IR's ONNX semantics (ir/ops/lrn.cpp):
//   y[c] = x[c] / (bias + alpha / size * sum_{c' in window(c)} x[c']^2) ^ beta
//   window(c) = [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to [0, C).
//
// Buffers, V = channel_block(target) (layout.h):
//   input   blocked (V, W, H, ceil(C/V), N)   pad lanes may hold anything (they are masked)
//   output  blocked (V, W, H, ceil(C/V), N)   pad lanes are written as 0
// All buffers must be dense with mins at 0 (checked at run time).
//
// The window crosses channel blocks, so the kernel first copies the squares of one input row
// into a scratch row with channels contiguous ([x][c], zero past both channel ends) and then
// sums min(size, 2C - 1) unaligned vector loads from it per output vector.
//
// JIT: LrnKernel k(spec); auto out = k.make_output(); k.run(in, out);
// AOT: compile_lrn(spec, target, "norm1", "out/norm1") gives
//      `int norm1(halide_buffer_t* input, halide_buffer_t* output)`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

struct LrnSpec {
  int n = 1, c = 1, h = 1, w = 1;
  int64_t size = 5;  // channels in the window, as the op gives it (may far exceed c)
  float alpha = 1e-4f, beta = 0.75f, bias = 1.0f;

  // The IR's count: (2 * size + 4) per element.
  double flops() const;
  // e.g. "lrn_n1_c96_55x55_size5_alpha1e-04_beta0.75_bias1": floats in shortest round-trip form.
  std::string to_string() const;
};

void validate(const LrnSpec& spec);

struct LrnPipeline {
  LrnSpec spec;
  int block = 0;  // V
  Halide::ImageParam input;
  Halide::Var v{"v"}, x{"x"}, y{"y"}, cb{"cb"}, n{"n"}, c{"c"};
  // squares(c, x, y, n) = x[c]^2 for c in [0, C), 0 elsewhere; pure zero fill plus one update
  // over the lanes r.x of blocks r.y.
  Halide::Func squares{"lrn_squares"};
  Halide::RDom r;
  Halide::Func output{"lrn_output"};

  std::vector<Halide::Argument> arguments() const { return {input}; }
};

LrnPipeline define_lrn(const LrnSpec& spec, int block);
// One schedule for every x86 ISA (see lrn_kernel.cpp for why).
void schedule_lrn(LrnPipeline& p, const Halide::Target& target);
LrnPipeline build_lrn(const LrnSpec& spec, const Halide::Target& target);

class LrnKernel {
 public:
  explicit LrnKernel(const LrnSpec& spec,
                     const Halide::Target& target = Halide::get_jit_target_from_environment());

  const LrnSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  Halide::Buffer<float> make_output() const;
  void run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output);

 private:
  LrnPipeline pipeline_;
  JitPipeline jit_;
};

void compile_lrn(const LrnSpec& spec, const Halide::Target& target,
                 const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_lrn_module(const LrnSpec& spec, const Halide::Target& target,
                                  const std::string& function_name);

}  // namespace kiln::halide
