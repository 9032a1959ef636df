// Layout conversion kernels between plain NCHW and channel-blocked NCHW<V>c activations, for
// the graph boundaries (network input -> first conv, last blocked tensor -> graph output) and
// before flatten (flatten -> dense needs NCHW order: feature index c*H*W + y*W + x).
// layout.h has the same conversions as plain C++ loops for tests and weight preparation; these
// are the compiled versions the generated code calls.
//
// Buffers, V = channel_block(target) (layout.h):
//   plain    (W, H, C, N), i.e. row-major [N][C][H][W]; the same memory is the flattened
//            [N][C*H*W] a following dense layer reads as its (C*H*W, N) input
//   blocked  (V, W, H, ceil(C/V), N)
// To blocked writes zero pad lanes; to plain never reads pad lanes.
// All buffers must be dense with mins at 0 (checked at run time).
//
// JIT: LayoutKernel k(spec); auto out = k.make_output(); k.run(in, out);
// AOT: compile_layout(spec, target, "data_to_blocked", "out/data_to_blocked") gives
//      `int data_to_blocked(halide_buffer_t* input, halide_buffer_t* output)`.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

struct LayoutSpec {
  bool to_blocked = true;          // plain -> blocked; false: blocked -> plain
  int n = 1, c = 1, h = 1, w = 1;  // the tensor's logical NCHW shape

  // e.g. "to_blocked_n1_c3_224x224". No flops(): it only moves data.
  std::string to_string() const;
};

void validate(const LayoutSpec& spec);

struct LayoutPipeline {
  LayoutSpec spec;
  int block = 0;             // V
  Halide::ImageParam input;  // plain when to_blocked, else blocked
  Halide::Var v{"v"}, x{"x"}, y{"y"}, cb{"cb"}, c{"c"}, n{"n"};
  // to_blocked: output(v, x, y, cb, n); else output(x, y, c, n).
  Halide::Func output{"layout_output"};

  std::vector<Halide::Argument> arguments() const { return {input}; }
};

LayoutPipeline define_layout(const LayoutSpec& spec, int block);
void schedule_layout(LayoutPipeline& p, const Halide::Target& target);
LayoutPipeline build_layout(const LayoutSpec& spec, const Halide::Target& target);

class LayoutKernel {
 public:
  explicit LayoutKernel(const LayoutSpec& spec,
                        const Halide::Target& target = Halide::get_jit_target_from_environment());

  const LayoutSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  Halide::Buffer<float> make_output() const;  // zeroed, in the destination layout
  void run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output);

 private:
  LayoutPipeline pipeline_;
  JitPipeline jit_;
};

void compile_layout(const LayoutSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_layout_module(const LayoutSpec& spec, const Halide::Target& target,
                                     const std::string& function_name);

}  // namespace kiln::halide
