#include "backend/halide/softmax_kernel.h"

#include <limits>
#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
double SoftmaxSpec::flops() const {
  return 3.0 * n * k;
}

std::string SoftmaxSpec::to_string() const {
  std::ostringstream os;
  os << "softmax_n" << n << "_k" << k;
  return os.str();
}

void validate(const SoftmaxSpec& s) {
  if (s.n <= 0 || s.k <= 0) throw std::invalid_argument("SoftmaxSpec: sizes must be positive");
}

SoftmaxPipeline define_softmax(const SoftmaxSpec& s, int block) {
  validate(s);
  SoftmaxPipeline p;
  p.spec = s;
  p.block = block;
  p.input = Halide::ImageParam(Halide::Float(32), 2, "input");
  constrain_dense(p.input, {s.k, s.n});
  p.r = Halide::RDom(0, s.k, "r");
  const Halide::Var &k = p.k, &n = p.n;
  p.row_max(n) = -std::numeric_limits<float>::infinity();
  // NaN-keeping maximum, so that a NaN logit makes its row NaN, as in the reference
  // interpreter: Halide's exp(NaN) is 0, which would give it probability 0 and the rest of the
  // row confident scores. Strict, or LLVM (compiling as if there were no NaN) drops the test.
  const Halide::Expr m = p.row_max(n), x = p.input(p.r, n);
  p.row_max(n) = Halide::strict_float(Halide::select(Halide::is_nan(m) || m > x, m, x));
  // Subtracting the maximum keeps every exponent <= 0: no overflow for large logits.
  p.exps(k, n) = Halide::exp(p.input(k, n) - p.row_max(n));
  p.row_sum(n) = 0.0f;
  p.row_sum(n) += p.exps(p.r, n);
  p.output(k, n) = Halide::strict_float(
      Halide::select(Halide::is_nan(p.row_max(n)), p.row_max(n), p.exps(k, n) / p.row_sum(n)));
  constrain_dense(p.output.output_buffer(), {s.k, s.n});
  return p;
}

// A few thousand elements per row: the schedule vectorizes the exponentials (Halide's exp is
// an inline polynomial) and the final scaling, and leaves the two row reductions scalar, which
// costs about a microsecond per 1000 classes. Rows are independent tasks. Only the vector
// width depends on the ISA.
void schedule_softmax(SoftmaxPipeline& p, const Halide::Target& /*target*/) {
  Halide::Var ko("ko"), ki("ki");
  // GuardWithIf: the rows are K long, and rounding up would read past the input row.
  p.output.split(p.k, ko, ki, p.block, Halide::TailStrategy::GuardWithIf)
      .vectorize(ki)
      .parallel(p.n);
  p.row_max.compute_at(p.output, p.n);
  p.exps.compute_at(p.output, p.n)
      .split(p.k, ko, ki, p.block, Halide::TailStrategy::GuardWithIf)
      .vectorize(ki);
  p.row_sum.compute_at(p.output, p.n);
}

SoftmaxPipeline build_softmax(const SoftmaxSpec& spec, const Halide::Target& target) {
  SoftmaxPipeline p = define_softmax(spec, channel_block(target));
  schedule_softmax(p, target);
  return p;
}

SoftmaxKernel::SoftmaxKernel(const SoftmaxSpec& spec, const Halide::Target& target)
    : pipeline_(build_softmax(spec, target)),
      jit_(pipeline_.output, target, "softmax kernel " + spec.to_string()) {}

Halide::Buffer<float> SoftmaxKernel::make_output() const {
  Halide::Buffer<float> out(pipeline_.spec.k, pipeline_.spec.n);
  out.fill(0.0f);
  return out;
}

void SoftmaxKernel::run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output) {
  Halide::ParamMap params;
  params.set(pipeline_.input, input);
  jit_.realize(output, params);
}

void compile_softmax(const SoftmaxSpec& spec, const Halide::Target& target,
                     const std::string& function_name, const std::string& path_prefix) {
  const SoftmaxPipeline p = build_softmax(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_softmax_module(const SoftmaxSpec& spec, const Halide::Target& target,
                                      const std::string& function_name) {
  const SoftmaxPipeline p = build_softmax(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
