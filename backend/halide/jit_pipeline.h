// What every kernel family's JIT class shares: a scheduled pipeline compiled once in process for
// one target, then realized into caller-provided buffers with its inputs bound per call (a
// ParamMap, so concurrent kernels never share bound buffers through the ImageParams).
#pragma once

#include <string>

#include "Halide.h"

namespace kiln::halide {

class JitPipeline {
 public:
  // JIT-compiles the pipeline computing `output` (typically 0.1-1 s). `name` prefixes errors,
  // e.g. "pool2d kernel maxpool_n1_c64_...".
  JitPipeline(Halide::Func output, const Halide::Target& target, std::string name);

  const Halide::Target& target() const { return target_; }
  double compile_seconds() const { return compile_seconds_; }

  // Computes into `output`; a Halide failure (e.g. a buffer of the wrong shape) becomes a
  // std::runtime_error naming the kernel. Not concurrently on one object.
  void realize(Halide::Buffer<float>& output, const Halide::ParamMap& params);

 private:
  Halide::Pipeline pipeline_;
  Halide::Target target_;
  std::string name_;
  double compile_seconds_ = 0;
};

}  // namespace kiln::halide
