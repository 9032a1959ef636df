// JIT and ahead-of-time compilation of conv2d kernels.
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"
#include "backend/halide/prefetch_next_channel_block.h"
#include "backend/halide/prefetch_next_tile_weights.h"
#include "backend/halide/prefetch_tile_epilogue.h"
#include "backend/halide/prefetch_weights_ahead.h"
#include "backend/halide/schedule_description.h"
#include "backend/halide/temporal_prefetch.h"

namespace kiln::halide {
namespace {

void check_present(const Halide::Buffer<float>& buf, bool wanted, const char* name,
                   const std::string& caller) {
  if (buf.defined() != wanted) {
    throw std::invalid_argument(caller + ": " + name +
                                (wanted ? " is required by the spec" : " is not used by the spec"));
  }
}

}  // namespace

Halide::ParamMap bind_conv2d_args(const Conv2dSpec& spec, const Conv2dParams& params,
                                  const Conv2dArgs& args, const std::string& caller) {
  check_present(args.input, true, "input", caller);
  check_present(args.weights, true, "weights", caller);
  check_present(args.bias, spec.has_bias, "bias", caller);
  check_present(args.residual, spec.has_residual, "residual", caller);
  Halide::ParamMap bound;
  bound.set(params.input, args.input);
  bound.set(params.weights, args.weights);
  if (spec.has_bias) bound.set(params.bias, args.bias);
  if (spec.has_residual) bound.set(params.residual, args.residual);
  return bound;
}

Conv2dKernel::Conv2dKernel(const Conv2dSpec& spec, const Halide::Target& target)
    : Conv2dKernel(build_conv2d(spec, target), target) {}

Conv2dKernel::Conv2dKernel(Conv2dPipeline scheduled, const Halide::Target& target)
    : pipeline_(std::move(scheduled)),
      jit_(pipeline_.output, target, "conv2d kernel " + pipeline_.spec.to_string()) {}

Halide::Buffer<float> Conv2dKernel::make_output() const {
  const Conv2dSpec& s = pipeline_.spec;
  return make_blocked(s.n, s.k, s.out_h(), s.out_w(), pipeline_.block);
}

void Conv2dKernel::run(const Conv2dArgs& args, Halide::Buffer<float>& output) {
  const Conv2dPipeline& p = pipeline_;
  jit_.realize(output, bind_conv2d_args(p.spec, {p.input, p.weights, p.bias, p.residual}, args,
                                        "Conv2dKernel::run"));
}

bool Conv2dPipeline::prefetch_residual() const {
  return spec.has_residual && !tile_loop.empty();
}

bool Conv2dPipeline::wants_prefetch() const {
  return prefetch_next_block || prefetch_residual() || prefetch_weights_ahead ||
         next_tile_weight_elements > 0;
}

Halide::Module conv2d_module(const Conv2dPipeline& p, const Halide::Target& target,
                             const std::string& function_name) {
  Halide::Pipeline pipeline(p.output);
  // Without the temporal replacement the prefetches would be non-temporal, slower than none.
  if (!p.wants_prefetch() || !can_link_temporal_prefetch(target)) {
    return pipeline.compile_to_module(p.arguments(), function_name, target);
  }
  if (p.prefetch_next_block) {
    // One block of the blocked input (V, W, H, C/V, N) is a W x H plane of V lanes.
    const int64_t block_stride = int64_t{p.spec.w} * p.spec.h * p.block;
    add_next_channel_block_prefetch(pipeline, p.input.name(), p.channel_loop, block_stride);
  }
  if (p.prefetch_residual()) add_tile_epilogue_prefetch(pipeline, p.residual.name(), p.tile_loop);
  if (p.prefetch_weights_ahead) {
    // In the packed weights (V, C, kw, kh, K/V) the next block of V input channels is V * V
    // elements on, at every tap.
    const int64_t block_elements = int64_t{p.block} * p.block;
    add_weights_ahead_prefetch(pipeline, p.weights.name(), p.channel_loop, 2 * block_elements,
                               p.image_row_loop);
  }
  if (p.next_tile_weight_elements > 0) {
    add_next_tile_weights_prefetch(pipeline, {p.weights.name(), p.task_row_loop, p.block_loop,
                                              p.channel_loop, p.next_tile_weight_elements});
  }
  Halide::Module module = pipeline.compile_to_module(p.arguments(), function_name, target);
  module.append(temporal_prefetch_code(target));
  return module;
}

void compile_conv2d(const Conv2dSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix) {
  write_module_files(conv2d_module(build_conv2d(spec, target), target, function_name), path_prefix);
}

void compile_conv2d_library(const Conv2dSpec& spec, const Halide::Target& target,
                            const std::string& function_name, const std::string& path_prefix) {
  write_module_library(conv2d_module(build_conv2d(spec, target), target, function_name),
                       path_prefix);
}

Halide::Module compile_conv2d_module(const Conv2dSpec& spec, const Halide::Target& target,
                                     const std::string& function_name) {
  const Conv2dPipeline p = build_conv2d(spec, target);
  record_schedule_description(p.schedule);
  return conv2d_module(p, target, function_name);
}

void compile_runtime(const Halide::Target& target, const std::string& object_path) {
  Halide::compile_standalone_runtime(object_path,
                                     target.without_feature(Halide::Target::NoRuntime));
}

}  // namespace kiln::halide
