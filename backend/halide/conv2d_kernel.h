// Fused conv2d kernels (conv + bias + residual add + activation) for Kiln's Halide backend.
//
// One kernel is compiled per Conv2dSpec: every shape is a compile-time constant, the way oneDNN
// and MKL JIT their convolutions, so the schedule can pick register tiles per shape and the
// generated code has constant strides.
//
// Buffers at the kernel boundary use the layouts of layout.h, with V = channel_block(target):
//   input     blocked  (V, W,  H,  ceil(C/V), N)        read: lanes < C only
//             or plain (W, H, C, N) with plain_input   (NCHW, for C < V: image stems)
//   weights   packed   (V, C/groups, kw, kh, ceil(K/V)) see repack_weights_oihw()
//   bias      packed   (ceil(K/V) * V)                  only if has_bias, see pack_bias()
//   residual  blocked  (V, Wo, Ho, ceil(K/V), N)        only if has_residual
//   output    blocked  (V, Wo, Ho, ceil(K/V), N)        pad lanes: act(residual pad), else 0;
//                                                      always 0 when act(0) != 0 (sigmoid)
// All buffers must be dense with mins at 0 (the kernels check this at run time).
//
// Typical JIT use:
//   Conv2dKernel kernel(spec);                       // host target
//   auto out = kernel.make_output();
//   kernel.run({.input = in, .weights = w, .bias = b}, out);
// Typical AOT use (many kernels in one shared library, one runtime):
//   auto t = target.with_feature(Halide::Target::NoRuntime);
//   compile_conv2d(spec1, t, "conv_1", "out/conv_1");  // out/conv_1.o + out/conv_1.h
//   compile_conv2d(spec2, t, "conv_2", "out/conv_2");
//   compile_runtime(target, "out/halide_runtime.o");
// The AOT entry point is `int fn(halide_buffer_t* input, halide_buffer_t* weights,
// [halide_buffer_t* bias,] [halide_buffer_t* residual,] halide_buffer_t* output)`, returning 0
// on success.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/activation.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

// Shape and fusion options of one conv2d (NCHW semantics, OIHW weights [K][C/groups][kh][kw]).
struct Conv2dSpec {
  int n = 1, c = 1, h = 1, w = 1;  // input batch, channels, height, width
  int k = 1;                       // output channels
  int kh = 1, kw = 1;              // window
  int sh = 1, sw = 1;              // stride
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dh = 1, dw = 1;  // dilation
  int groups = 1;      // c and k must be multiples; depthwise is groups == c
  bool has_bias = false;
  bool has_residual = false;  // adds a tensor of the output's shape before the activation
  // Reads the input as plain NCHW instead of blocked. For few channels (a network's RGB stem,
  // C < V, groups 1): blocked, 3 channels take a 16-lane pixel, so the stem would read 5x the
  // bytes it uses, and the graph input would need a layout conversion first.
  bool plain_input = false;
  Activation activation = Activation::kNone;
  ActivationParams activation_params;  // only those `activation` uses (activation.h)

  // 0 where the window does not fit the padded input (C++ division truncates toward zero, so a
  // window up to stride - 1 too large would otherwise give 1).
  int out_h() const { return window_outputs(h + pad_top + pad_bottom, dh * (kh - 1) + 1, sh); }
  int out_w() const { return window_outputs(w + pad_left + pad_right, dw * (kw - 1) + 1, sw); }
  static int window_outputs(int padded, int span, int stride) {
    return padded < span ? 0 : (padded - span) / stride + 1;
  }
  // Floating-point operations of the real (unpadded) convolution: 2 per multiply-add.
  double flops() const;
  // Unique, compact description usable as a cache key or function-name stem, e.g.
  // "n1_c64_56x56_k64_3x3_s1x1_p1x1x1x1_d1x1_g1_bias_relu" (pads: top, left, bottom, right;
  // the activation as activation_suffix() spells it, parameters included).
  std::string to_string() const;
};

// Throws std::invalid_argument naming the first inconsistent field.
void validate(const Conv2dSpec& spec);

// The algorithm of one kernel, not yet scheduled. Exposed so schedules (and experiments) can
// be written outside this file; the Funcs are defined over the blocked layouts above.
struct Conv2dPipeline {
  Conv2dSpec spec;
  int block = 0;                                      // V
  Halide::ImageParam input, weights, bias, residual;  // bias/residual used only if enabled
  Halide::Var v{"v"}, x{"x"}, y{"y"}, kb{"kb"}, n{"n"};
  // Reduction, innermost first: r.x, r.y = input channel (lane and block within the group when
  // groups are block-aligned, else channel within the group and a unit dimension),
  // r.z = kx, r.w = ky.
  Halide::RDom r;
  // conv(v, x, y, kb, n): init = bias or 0, one update accumulating over r.
  Halide::Func conv{"conv"};
  // output(v, x, y, kb, n) = activation(conv + residual).
  Halide::Func output{"conv2d_output"};
  // Set by the schedule, for logs and tests: e.g. "avx512 rows tile 2x14".
  std::string schedule;
  // Set by the schedule when ahead-of-time modules should prefetch the input's next channel
  // block (prefetch_next_channel_block.h).
  bool prefetch_next_block = false;
  // Set by the schedule: the lowered name of the reduction's channel loop (where the prefetch
  // pass goes), e.g. "conv.s1.r$x.rxo" once the loop is split for unrolling.
  std::string channel_loop;
  // Set by the row-task schedule: the lowered name of the loop over register tiles, at whose
  // top ahead-of-time modules prefetch the tile's residual lines (prefetch_tile_epilogue.h).
  std::string tile_loop;
  // Set by the whole-image schedule when ahead-of-time modules should prefetch the weights two
  // input blocks ahead, spread over the rows of the loop named `image_row_loop`
  // (prefetch_weights_ahead.h).
  bool prefetch_weights_ahead = false;
  std::string image_row_loop;
  // Set by the row-task schedule when ahead-of-time modules should prefetch the next channel
  // tile's weights over a task's rows (prefetch_next_tile_weights.h): the elements of one
  // tile's weights (0: no prefetch), and the lowered names of the task's row loop and
  // input-block loop.
  int64_t next_tile_weight_elements = 0;
  std::string task_row_loop, block_loop;
  // Set by the row-task schedule where the output may take its residual's storage
  // (reuse_residual_storage.h): every output element is computed once, reading its residual
  // before writing it (the tile splits divide the output, so ShiftInwards recomputes nothing),
  // and the tasks are bands of rows, where that was measured faster.
  bool may_overwrite_residual = false;

  // Inputs in AOT argument order: input, weights, [bias], [residual].
  std::vector<Halide::Argument> arguments() const;
  // Whether ahead-of-time modules should prefetch the residual's lines at each tile's start
  // (prefetch_tile_epilogue.h): wherever there is a residual and the schedule named tile_loop.
  bool prefetch_residual() const;
  // Whether any of the prefetch passes above applies.
  bool wants_prefetch() const;
};

// The fused epilogue after the convolution sum (bias included): + residual when the spec has
// one, then the activation; output `channel` (kb * block + v) >= spec.k, a pad lane, is kept zero
// when the activation would make it non-zero. Every conv2d algorithm (direct, Winograd) ends
// with it.
Halide::Expr conv2d_epilogue(const Conv2dSpec& spec, Halide::Expr value, Halide::Expr residual,
                             Halide::Expr channel, int block);

// Builds the algorithm for `spec` with channel block `block`; validates the spec.
Conv2dPipeline define_conv2d(const Conv2dSpec& spec, int block);

// Whether the reduction walks the blocked input by (lane, block), r.x and r.y of define_conv2d:
// for a blocked input whose groups start on block boundaries and span whole blocks, so that
// the inner loop's addresses need no division. Else r.x is a group's channels and r.y a unit
// dimension.
bool reduction_walks_blocks(const Conv2dSpec& spec, int block);

// Trip count of the reduction's innermost (input channel) loop, r.x of define_conv2d: the
// block's lanes where the reduction walks blocks, else a group's channels (3 for an RGB stem).
int reduction_channel_steps(const Conv2dSpec& spec, int block);

// Hand-written schedules (conv2d_schedule_*.cpp). Each expects p.block to match the ISA
// (16 for AVX-512, 8 for AVX2).
void schedule_conv2d_avx512(Conv2dPipeline& p);
void schedule_conv2d_avx2(Conv2dPipeline& p);
// Picks the schedule from the target's features (AVX-512 -> avx512, anything else -> avx2).
void schedule_conv2d(Conv2dPipeline& p, const Halide::Target& target);

// Defines + schedules a pipeline for `target` (block = channel_block(target)).
Conv2dPipeline build_conv2d(const Conv2dSpec& spec, const Halide::Target& target);

// Whether the hand-scheduled kernel for `spec` on `target` may write its output over its
// residual (Conv2dPipeline::may_overwrite_residual).
bool conv2d_may_overwrite_residual(const Conv2dSpec& spec, const Halide::Target& target);

// Run-time arguments; leave bias / residual undefined when the spec does not use them.
struct Conv2dArgs {
  Halide::Buffer<float> input, weights, bias, residual;
};

// The ImageParams a conv2d pipeline (direct or Winograd) reads its arguments through.
struct Conv2dParams {
  Halide::ImageParam input, weights, bias, residual;
};
// Checks that `args` holds exactly the buffers `spec` uses (else std::invalid_argument naming
// `caller`, e.g. "Conv2dKernel::run") and binds them to `params`. A ParamMap instead of
// ImageParam::set keeps the bound buffers out of the shared pipeline state, so no stale
// references survive a run.
Halide::ParamMap bind_conv2d_args(const Conv2dSpec& spec, const Conv2dParams& params,
                                  const Conv2dArgs& args, const std::string& caller);

// A JIT-compiled kernel. Compilation happens in the constructor (typically 0.3-1 s). The JIT
// cannot link temporal_prefetch_code(), so the schedule's prefetch passes (Conv2dPipeline's
// prefetch fields) are left out here: results are identical, but the kernels they speed up run
// slower than their AOT build (each pass's header gives its gain; the next channel block's
// alone is up to ~10% on input-heavy 1x1s).
// run() may be called repeatedly but not concurrently on one object.
class Conv2dKernel {
 public:
  explicit Conv2dKernel(const Conv2dSpec& spec,
                        const Halide::Target& target = Halide::get_jit_target_from_environment());
  // JIT-compiles a pipeline the caller has already scheduled (experiments, benchmarks).
  Conv2dKernel(Conv2dPipeline scheduled, const Halide::Target& target);

  const Conv2dSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const std::string& schedule() const { return pipeline_.schedule; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  // A zeroed output buffer of the blocked output shape.
  Halide::Buffer<float> make_output() const;
  // Computes into `output` (blocked output shape); throws std::runtime_error on failure.
  void run(const Conv2dArgs& args, Halide::Buffer<float>& output);

 private:
  Conv2dPipeline pipeline_;
  JitPipeline jit_;
};

// Ahead-of-time compilation of one kernel for `target` into `<path_prefix>.o` and
// `<path_prefix>.h` (C header declaring `function_name`). Add Target::NoRuntime to `target` for
// all but one kernel of a library, or for all of them plus compile_runtime().
void compile_conv2d(const Conv2dSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix);
// Same, as a static library `<path_prefix>.a` (+ header), runtime included unless NoRuntime.
void compile_conv2d_library(const Conv2dSpec& spec, const Halide::Target& target,
                            const std::string& function_name, const std::string& path_prefix);
// A scheduled pipeline as a Halide::Module, with the schedule's prefetch passes and the code
// they need (the JIT kernel above compiles without them: see temporal_prefetch.h).
Halide::Module conv2d_module(const Conv2dPipeline& p, const Halide::Target& target,
                             const std::string& function_name);
// The kernel as a Halide::Module, for callers that link many modules themselves.
Halide::Module compile_conv2d_module(const Conv2dSpec& spec, const Halide::Target& target,
                                     const std::string& function_name);
// The Halide runtime (thread pool, allocator, error handling) as one object file, to be linked
// once next to kernels compiled with Target::NoRuntime.
void compile_runtime(const Halide::Target& target, const std::string& object_path);

}  // namespace kiln::halide
