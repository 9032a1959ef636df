// Max and average 2-D pooling kernels over channel-blocked activations (Kiln's Halide backend).
//
// Semantics are the graph IR's max_pool2d / avg_pool2d (ir/ops/pooling.cpp): padding
// [top, left, bottom, right] smaller than the window, ceil_mode whose last window must start
// inside the input or the low padding, max never selects padding, and avg divides by the real
// input positions of the window, or with count_include_pad by the window clipped to the padded
// input (positions that ceil_mode adds past the high padding never count).
//
// Buffers, V = channel_block(target) (layout.h):
//   input   blocked (V, W,  H,  ceil(C/V), N)
//   output  blocked (V, Wo, Ho, ceil(C/V), N)
// Lanes are pooled independently, so pad lanes never reach real lanes; zero pad lanes in give
// zero pad lanes out. All buffers must be dense with mins at 0 (checked at run time).
//
// JIT: Pool2dKernel k(spec); auto out = k.make_output(); k.run(in, out);
// AOT: compile_pool2d(spec, target.with_feature(NoRuntime), "pool1", "out/pool1") gives
//      `int pool1(halide_buffer_t* input, halide_buffer_t* output)`; link one compile_runtime()
//      (conv2d_kernel.h) next to it.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

enum class PoolKind { kMax, kAvg };

struct Pool2dSpec {
  PoolKind kind = PoolKind::kMax;
  int n = 1, c = 1, h = 1, w = 1;  // input batch, channels, height, width
  int kh = 1, kw = 1;              // window
  int sh = 1, sw = 1;              // stride
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool ceil_mode = false;
  bool count_include_pad = false;  // avg only

  // The IR's window_output_size (ir/ops/op_helpers.h), dilation 1.
  int out_h() const;
  int out_w() const;
  // One operation per window element and output, as the IR counts pooling.
  double flops() const;
  // e.g. "maxpool_n1_c64_112x112_3x3_s22_p1111_ceil"; avg adds "_cip" for count_include_pad.
  std::string to_string() const;
};

// Throws std::invalid_argument naming the first inconsistent field.
void validate(const Pool2dSpec& spec);

// The algorithm, not yet scheduled (see conv2d_kernel.h for the pattern).
struct Pool2dPipeline {
  Pool2dSpec spec;
  int block = 0;  // V
  Halide::ImageParam input;
  Halide::Var v{"v"}, x{"x"}, y{"y"}, cb{"cb"}, n{"n"};
  // output(v, x, y, cb, n): the window reduction, written as one balanced expression tree of
  // kh * kw taps (no intermediate Func, so every tap is a vector load straight from input).
  Halide::Func output{"pool2d_output"};

  std::vector<Halide::Argument> arguments() const { return {input}; }
};

Pool2dPipeline define_pool2d(const Pool2dSpec& spec, int block);
// One schedule for every x86 ISA; the vector width comes from p.block.
void schedule_pool2d(Pool2dPipeline& p, const Halide::Target& target);
Pool2dPipeline build_pool2d(const Pool2dSpec& spec, const Halide::Target& target);

// A JIT-compiled kernel; run() may be called repeatedly but not concurrently on one object.
class Pool2dKernel {
 public:
  explicit Pool2dKernel(const Pool2dSpec& spec,
                        const Halide::Target& target = Halide::get_jit_target_from_environment());

  const Pool2dSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  Halide::Buffer<float> make_output() const;  // zeroed, blocked output shape
  // Throws std::runtime_error on failure (e.g. a buffer of the wrong shape).
  void run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output);

 private:
  Pool2dPipeline pipeline_;
  JitPipeline jit_;
};

// AOT, as compile_conv2d*: `<path_prefix>.o` + `.h`, or a Module.
void compile_pool2d(const Pool2dSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_pool2d_module(const Pool2dSpec& spec, const Halide::Target& target,
                                     const std::string& function_name);

}  // namespace kiln::halide
