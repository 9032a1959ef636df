// Global average pooling (ResNet, GoogLeNet, NIN heads): [N, C, H, W] -> [N, C, 1, 1].
//
// Buffers, V = channel_block(target) (layout.h):
//   input   blocked (V, W, H, ceil(C/V), N)   pad lanes may hold anything (never stored)
//   output  plain   (C, N), i.e. row-major [N][C]
// The output is plain rather than blocked because what follows is always flatten -> dense or
// flatten -> softmax, both of which take plain [N, C]: flatten becomes a no-op view and no
// layout conversion is needed, whether or not C is a multiple of V (NIN has C = 1000).
// All buffers must be dense with mins at 0 (checked at run time).
//
// JIT: GlobalAvgPoolKernel k(spec); auto out = k.make_output(); k.run(in, out);
// AOT: compile_global_avg_pool(spec, target, "pool5", "out/pool5") gives
//      `int pool5(halide_buffer_t* input, halide_buffer_t* output)`.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

struct GlobalAvgPoolSpec {
  int n = 1, c = 1, h = 1, w = 1;  // input shape

  double flops() const;           // one add per input element, as the IR counts it
  std::string to_string() const;  // e.g. "gap_n1_c2048_7x7"
};

void validate(const GlobalAvgPoolSpec& spec);

struct GlobalAvgPoolPipeline {
  GlobalAvgPoolSpec spec;
  int block = 0;  // V
  Halide::ImageParam input;
  Halide::Var v{"v"}, cb{"cb"}, n{"n"}, c{"c"};
  Halide::RDom r;                     // r.x over W, r.y over H
  Halide::Func sum{"gap_sum"};        // sum(v, cb, n), blocked
  Halide::Func output{"gap_output"};  // output(c, n), plain

  std::vector<Halide::Argument> arguments() const { return {input}; }
};

GlobalAvgPoolPipeline define_global_avg_pool(const GlobalAvgPoolSpec& spec, int block);
void schedule_global_avg_pool(GlobalAvgPoolPipeline& p, const Halide::Target& target);
GlobalAvgPoolPipeline build_global_avg_pool(const GlobalAvgPoolSpec& spec,
                                            const Halide::Target& target);

class GlobalAvgPoolKernel {
 public:
  explicit GlobalAvgPoolKernel(
      const GlobalAvgPoolSpec& spec,
      const Halide::Target& target = Halide::get_jit_target_from_environment());

  const GlobalAvgPoolSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  Halide::Buffer<float> make_output() const;  // zeroed (C, N)
  void run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output);

 private:
  GlobalAvgPoolPipeline pipeline_;
  JitPipeline jit_;
};

void compile_global_avg_pool(const GlobalAvgPoolSpec& spec, const Halide::Target& target,
                             const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_global_avg_pool_module(const GlobalAvgPoolSpec& spec,
                                              const Halide::Target& target,
                                              const std::string& function_name);

}  // namespace kiln::halide
