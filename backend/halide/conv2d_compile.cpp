// JIT and ahead-of-time compilation of conv2d kernels.
#include <stdexcept>
#include <utility>

#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

void check_present(const Halide::Buffer<float>& buf, bool wanted, const char* name) {
  if (buf.defined() != wanted) {
    throw std::invalid_argument(std::string("Conv2dKernel::run: ") + name +
                                (wanted ? " is required by the spec" : " is not used by the spec"));
  }
}

}  // namespace

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
  const Conv2dSpec& s = pipeline_.spec;
  check_present(args.input, true, "input");
  check_present(args.weights, true, "weights");
  check_present(args.bias, s.has_bias, "bias");
  check_present(args.residual, s.has_residual, "residual");
  // A ParamMap instead of ImageParam::set keeps the bound buffers out of the shared pipeline
  // state, so no stale references survive a run.
  Halide::ParamMap params;
  params.set(pipeline_.input, args.input);
  params.set(pipeline_.weights, args.weights);
  if (s.has_bias) params.set(pipeline_.bias, args.bias);
  if (s.has_residual) params.set(pipeline_.residual, args.residual);
  jit_.realize(output, params);
}

void compile_conv2d(const Conv2dSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix) {
  const Conv2dPipeline p = build_conv2d(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

void compile_conv2d_library(const Conv2dSpec& spec, const Halide::Target& target,
                            const std::string& function_name, const std::string& path_prefix) {
  const Conv2dPipeline p = build_conv2d(spec, target);
  compile_pipeline_to_library(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_conv2d_module(const Conv2dSpec& spec, const Halide::Target& target,
                                     const std::string& function_name) {
  const Conv2dPipeline p = build_conv2d(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

void compile_runtime(const Halide::Target& target, const std::string& object_path) {
  Halide::compile_standalone_runtime(object_path,
                                     target.without_feature(Halide::Target::NoRuntime));
}

}  // namespace kiln::halide
