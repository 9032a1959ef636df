// JIT and ahead-of-time compilation of Winograd conv2d kernels.
#include <utility>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"
#include "backend/halide/schedule_description.h"
#include "backend/halide/winograd_conv2d_kernel.h"

namespace kiln::halide {

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
  const WinogradPipeline& p = pipeline_;
  jit_.realize(output, bind_conv2d_args(p.spec.conv, {p.input, p.weights, p.bias, p.residual}, args,
                                        "WinogradConv2dKernel::run"));
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
  record_schedule_description(p.schedule);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
