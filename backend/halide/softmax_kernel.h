// Softmax along the last axis of a 2-D [N, K] tensor (the classifier heads: K = 1000), with
// the IR's ONNX opset-13 semantics, computed stably: y = exp(x - max(x)) / sum(exp(x - max(x))).
//
// Buffers (plain, no channel blocking: the input comes from dense or global_avg_pool, which
// both produce plain [N, K]):
//   input   (K, N), i.e. row-major [N][K]
//   output  (K, N)
// All buffers must be dense with mins at 0 (checked at run time). The exponentials live in a
// scratch buffer, so the output may alias the input.
//
// JIT: SoftmaxKernel k(spec); auto out = k.make_output(); k.run(in, out);
// AOT: compile_softmax(spec, target, "prob", "out/prob") gives
//      `int prob(halide_buffer_t* input, halide_buffer_t* output)`.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

struct SoftmaxSpec {
  int n = 1;  // rows
  int k = 1;  // classes (the normalised axis)

  double flops() const;           // 3 per element, as the IR counts softmax
  std::string to_string() const;  // e.g. "softmax_n1_k1000"
};

void validate(const SoftmaxSpec& spec);

struct SoftmaxPipeline {
  SoftmaxSpec spec;
  int block = 0;  // V: the vector width the schedule uses
  Halide::ImageParam input;
  Halide::Var k{"k"}, n{"n"};
  Halide::RDom r;                       // over the classes
  Halide::Func row_max{"softmax_max"};  // row_max(n)
  Halide::Func exps{"softmax_exp"};     // exps(k, n) = exp(x - row_max)
  Halide::Func row_sum{"softmax_sum"};  // row_sum(n)
  Halide::Func output{"softmax_output"};

  std::vector<Halide::Argument> arguments() const { return {input}; }
};

SoftmaxPipeline define_softmax(const SoftmaxSpec& spec, int block);
void schedule_softmax(SoftmaxPipeline& p, const Halide::Target& target);
SoftmaxPipeline build_softmax(const SoftmaxSpec& spec, const Halide::Target& target);

class SoftmaxKernel {
 public:
  explicit SoftmaxKernel(const SoftmaxSpec& spec,
                         const Halide::Target& target = Halide::get_jit_target_from_environment());

  const SoftmaxSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  Halide::Buffer<float> make_output() const;  // zeroed (K, N)
  void run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output);

 private:
  SoftmaxPipeline pipeline_;
  JitPipeline jit_;
};

void compile_softmax(const SoftmaxSpec& spec, const Halide::Target& target,
                     const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_softmax_module(const SoftmaxSpec& spec, const Halide::Target& target,
                                      const std::string& function_name);

}  // namespace kiln::halide
