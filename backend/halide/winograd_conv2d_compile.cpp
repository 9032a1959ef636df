// JIT and ahead-of-time compilation of Winograd conv2d kernels.
#include <stdexcept>
#include <utility>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"
#include "backend/halide/winograd_conv2d_kernel.h"

namespace kiln::halide {
namespace {

void check_present(const Halide::Buffer<float>& buf, bool wanted, const char* name) {
  if (buf.defined() != wanted) {
    throw std::invalid_argument(std::string("WinogradConv2dKernel::run: ") + name +
                                (wanted ? " is required by the spec" : " is not used by the spec"));
  }
}

}  // namespace

WinogradConv2dKernel::WinogradConv2dKernel(const WinogradConv2dSpec& spec,
                                           const Halide::Target& target)
    : WinogradConv2dKernel(build_winograd_conv2d(spec, target), target) {}

WinogradConv2dKernel::WinogradConv2dKernel(WinogradPipeline scheduled, const Halide::Target& target)
    : pipeline_(std::move(scheduled)),
      jit_(pipeline_.output, target, "winograd conv2d kernel " + pipeline_.spec.to_string()) {}

Halide::Buffer<float> WinogradConv2dKernel::make_output() const {
  const Conv2dSpec& s = pipeline_.spec.conv;
  return make_blocked(s.n, s.k, s.out_h(), s.out_w(), pipeline_.block);
}

void WinogradConv2dKernel::run(const Conv2dArgs& args, Halide::Buffer<float>& output) {
  const Conv2dSpec& s = pipeline_.spec.conv;
  check_present(args.input, true, "input");
  check_present(args.weights, true, "weights");
  check_present(args.bias, s.has_bias, "bias");
  check_present(args.residual, s.has_residual, "residual");
  Halide::ParamMap params;
  params.set(pipeline_.input, args.input);
  params.set(pipeline_.weights, args.weights);
  if (s.has_bias) params.set(pipeline_.bias, args.bias);
  if (s.has_residual) params.set(pipeline_.residual, args.residual);
  jit_.realize(output, params);
}

void compile_winograd_conv2d(const WinogradConv2dSpec& spec, const Halide::Target& target,
                             const std::string& function_name, const std::string& path_prefix) {
  const WinogradPipeline p = build_winograd_conv2d(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_winograd_conv2d_module(const WinogradConv2dSpec& spec,
                                              const Halide::Target& target,
                                              const std::string& function_name) {
  const WinogradPipeline p = build_winograd_conv2d(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
