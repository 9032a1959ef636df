#include "backend/halide/copy_kernel.h"

namespace kiln::halide {

Halide::Module compile_copy_module(const CopySpec& spec, const Halide::Target& target,
                                   const std::string& function_name) {
  Halide::ImageParam input(Halide::Float(32), 1, "input");
  Halide::Var i("i");
  Halide::Func output("copy_output");
  output(i) = input(i);
  const int count = static_cast<int>(spec.count);
  input.dim(0).set_bounds(0, count);
  output.output_buffer().dim(0).set_bounds(0, count);
  // Outputs are small (logits, probabilities): one thread, 16-wide vectors
  // with a scalar tail.
  if (count >= 16) output.vectorize(i, 16, Halide::TailStrategy::GuardWithIf);
  return output.compile_to_module({input}, function_name, target);
}

}  // namespace kiln::halide
