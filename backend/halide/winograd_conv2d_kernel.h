// Winograd conv2d kernels F(m x m, 3 x 3) for 3x3, stride 1, dilation 1, ungrouped convolutions,
// with the direct kernel's fused epilogue (bias, residual add, activation) and the same blocked
// layouts at the input and output (see conv2d_kernel.h and layout.h), so either algorithm can
// run any eligible layer without a layout change around it.
//
// Buffers, with V = channel_block(target) and alpha = m + 2:
//   input     blocked  (V, W,  H,  ceil(C/V), N)            read: lanes < C only
//   weights   packed   (V, C, alpha, alpha, ceil(K/V))      G g G^T, see pack_winograd_weights()
//   bias      packed   (ceil(K/V) * V)                      only if has_bias, see pack_bias()
//   residual  blocked  (V, Wo, Ho, ceil(K/V), N)            only if has_residual
//   output    blocked  (V, Wo, Ho, ceil(K/V), N)            pad lanes as the direct kernel's
//
// The output is covered by ceil(Ho/m) x ceil(Wo/m) tiles, numbered t = ty * ceil(Wo/m) + tx per
// image. Per tile and input channel the input transform B^T d B gives alpha^2 values; for each
// of the alpha^2 positions, a GEMM over input channels multiplies them with the transformed
// weights (K x C per position): that is where the work is, 2 K C alpha^2 flops per tile instead
// of the direct 2 K C 9 m^2. The output transform A^T M A then gives the m x m outputs, and the
// epilogue is applied to them before they are stored.
//
// FLOP counts (Conv2dSpec::flops(), GFLOP/s in benchmarks) are those of the direct convolution:
// "direct-equivalent" rates, so that both algorithms are compared on the same work.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

struct WinogradConv2dSpec {
  Conv2dSpec conv;
  int tile = 4;  // m of F(m x m, 3 x 3): 2, 4 or 6

  // conv.to_string() + "_wino<m>": a cache key distinct from the direct kernel's.
  std::string to_string() const;
};

// Empty when Winograd can compute `spec`, else why not (for messages).
std::string winograd_ineligibility(const Conv2dSpec& spec);
// Throws std::invalid_argument naming the reason when the spec is not eligible or the tile is
// not supported.
void validate(const WinogradConv2dSpec& spec);

// The algorithm, not yet scheduled (Funcs innermost dimension first).
struct WinogradPipeline {
  WinogradConv2dSpec spec;
  int block = 0;  // V
  int tiles_x = 0, tiles_y = 0;
  Halide::ImageParam input, weights, bias, residual;
  Halide::Var v{"v"}, x{"x"}, y{"y"}, kb{"kb"}, n{"n"};  // output dims
  // Tile, input channel block, transform positions along x and y, output column in a tile,
  // input row in a tile.
  Halide::Var t{"t"}, cb{"cb"}, ex{"ex"}, ey{"ey"}, i{"i"}, a{"a"};
  // Input channels of the GEMM: r.x lane, r.y block.
  Halide::RDom r;
  // B^T d along x: input_rows(v, ex, a, t, cb, n), a the tile's input row.
  Halide::Func input_rows{"wino_input_rows"};
  // B^T d B: transformed(v, t, cb, ex, ey, n).
  Halide::Func transformed{"wino_transformed"};
  // The batched GEMM: gemm(v, t, kb, ex, ey, n) = sum_c U(v, c, ex, ey, kb) * transformed(c).
  Halide::Func gemm{"wino_gemm"};
  // gemm stored per task, so the register tile of the GEMM is separate from its consumer.
  Halide::Func products{"wino_products"};
  // A^T M along x: output_cols(v, i, ey, t, kb, n), i the output column within the tile.
  Halide::Func output_cols{"wino_output_cols"};
  // A^T M A + bias, then the conv2d epilogue: output(v, x, y, kb, n).
  Halide::Func output{"winograd_output"};
  std::string schedule;

  // Inputs in AOT argument order: input, weights, [bias], [residual].
  std::vector<Halide::Argument> arguments() const;
};

WinogradPipeline define_winograd_conv2d(const WinogradConv2dSpec& spec, int block);

// Hand schedules (winograd_schedule_*.cpp); p.block must match the ISA (16 / 8).
void schedule_winograd_avx512(WinogradPipeline& p);
void schedule_winograd_avx2(WinogradPipeline& p);
void schedule_winograd(WinogradPipeline& p, const Halide::Target& target);
WinogradPipeline build_winograd_conv2d(const WinogradConv2dSpec& spec,
                                       const Halide::Target& target);

// A JIT-compiled kernel; run() takes the same arguments as Conv2dKernel::run, with weights
// packed by pack_winograd_weights().
class WinogradConv2dKernel {
 public:
  explicit WinogradConv2dKernel(
      const WinogradConv2dSpec& spec,
      const Halide::Target& target = Halide::get_jit_target_from_environment());
  WinogradConv2dKernel(WinogradPipeline scheduled, const Halide::Target& target);

  const WinogradConv2dSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const std::string& schedule() const { return pipeline_.schedule; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  Halide::Buffer<float> make_output() const;
  void run(const Conv2dArgs& args, Halide::Buffer<float>& output);

 private:
  WinogradPipeline pipeline_;
  JitPipeline jit_;
};

// Ahead-of-time compilation, as compile_conv2d() / compile_conv2d_module().
void compile_winograd_conv2d(const WinogradConv2dSpec& spec, const Halide::Target& target,
                             const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_winograd_conv2d_module(const WinogradConv2dSpec& spec,
                                              const Halide::Target& target,
                                              const std::string& function_name);

}  // namespace kiln::halide
