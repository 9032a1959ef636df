#include "backend/halide/eltwise_kernel.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

std::vector<int> extents_of(const EltwiseSpec& s, int block) {
  if (s.blocked) return {block, s.w, s.h, ceil_div(s.c, block), s.n};
  return {s.w, s.h, s.c, s.n};
}

}  // namespace

double EltwiseSpec::flops() const {
  return double(n) * c * h * w;
}

std::string EltwiseSpec::to_string() const {
  std::ostringstream os;
  const std::string act = activation_suffix(activation, activation_params);
  if (op == EltwiseOp::kAdd) {
    os << "add";
  } else {
    os << act.substr(1);  // the suffix without its leading '_' names the op
  }
  os << "_n" << n << "_c" << c << "_" << h << "x" << w << (op == EltwiseOp::kAdd ? act : "")
     << (blocked ? "" : "_plain");
  return os.str();
}

void validate(const EltwiseSpec& s) {
  if (s.n <= 0 || s.c <= 0 || s.h <= 0 || s.w <= 0) {
    throw std::invalid_argument("EltwiseSpec: sizes must be positive");
  }
  validate_activation(s.activation, s.activation_params, "EltwiseSpec");
  if (s.op == EltwiseOp::kActivation && s.activation == Activation::kNone) {
    throw std::invalid_argument("EltwiseSpec: a standalone activation needs one (not kNone)");
  }
}

std::vector<Halide::Argument> EltwisePipeline::arguments() const {
  if (spec.op == EltwiseOp::kAdd) return {a, b};
  return {a};
}

EltwisePipeline define_eltwise(const EltwiseSpec& s, int block) {
  validate(s);
  EltwisePipeline p;
  p.spec = s;
  p.block = block;
  const std::vector<int> extents = extents_of(s, block);
  const int dims = int(extents.size());
  const std::vector<const char*> names = s.blocked
                                             ? std::vector<const char*>{"v", "x", "y", "cb", "n"}
                                             : std::vector<const char*>{"x", "y", "c", "n"};
  for (const char* name : names) p.vars.emplace_back(name);
  const std::vector<Halide::Expr> at(p.vars.begin(), p.vars.end());
  p.a = Halide::ImageParam(Halide::Float(32), dims, "a");
  constrain_dense(p.a, extents);
  Halide::Expr value = p.a(at);
  if (s.op == EltwiseOp::kAdd) {
    p.b = Halide::ImageParam(Halide::Float(32), dims, "b");
    constrain_dense(p.b, extents);
    value += p.b(at);
  }
  value = apply_activation(s.activation, s.activation_params, value);
  // Keeps channel padding zero when the activation would make it non-zero.
  if (s.blocked && s.c % block != 0 && !activation_keeps_zero(s.activation, s.activation_params))
    value = Halide::select(p.vars[3] * block + p.vars[0] < s.c, value, 0.0f);
  p.output(p.vars) = value;
  constrain_dense(p.output.output_buffer(), extents);
  return p;
}

// Streaming, memory-bound: all buffers share one dense shape, so the schedule fuses every
// dimension into one flat index (Halide folds the index arithmetic back to a single ramp),
// vectorizes it and splits it into tasks. The same for every ISA apart from the vector width.
void schedule_eltwise(EltwisePipeline& p, const Halide::Target& /*target*/) {
  // ~64 KiB of output per task: tens of microseconds of DRAM traffic against ~1 us dispatch.
  constexpr int kTaskFloats = 16384;
  Halide::Var flat = p.vars[0];
  for (size_t d = 1; d < p.vars.size(); ++d) {
    Halide::Var fused("flat" + std::to_string(d));
    p.output.fuse(flat, p.vars[d], fused);
    flat = fused;
  }
  int elements = 1;
  for (int e : extents_of(p.spec, p.block)) elements *= e;
  const int chunk = std::min(kTaskFloats, ceil_div(elements, p.block) * p.block);
  Halide::Var task("task"), inner("inner");
  // GuardWithIf, never ShiftInwards: recomputing an element would read an input that an
  // in-place run has already overwritten.
  p.output.split(flat, task, inner, chunk, Halide::TailStrategy::GuardWithIf)
      .vectorize(inner, p.block)
      .parallel(task);
}

EltwisePipeline build_eltwise(const EltwiseSpec& spec, const Halide::Target& target) {
  EltwisePipeline p = define_eltwise(spec, channel_block(target));
  schedule_eltwise(p, target);
  return p;
}

EltwiseKernel::EltwiseKernel(const EltwiseSpec& spec, const Halide::Target& target)
    : pipeline_(build_eltwise(spec, target)),
      jit_(pipeline_.output, target, "eltwise kernel " + spec.to_string()) {}

Halide::Buffer<float> EltwiseKernel::make_output() const {
  Halide::Buffer<float> out(extents_of(pipeline_.spec, pipeline_.block));
  out.fill(0.0f);
  return out;
}

void EltwiseKernel::run(const std::vector<Halide::Buffer<float>>& inputs,
                        Halide::Buffer<float>& output) {
  const EltwiseSpec& s = pipeline_.spec;
  if (int(inputs.size()) != s.inputs()) {
    throw std::invalid_argument("EltwiseKernel::run: " + s.to_string() + " takes " +
                                std::to_string(s.inputs()) + " inputs");
  }
  Halide::ParamMap params;
  params.set(pipeline_.a, inputs[0]);
  if (s.op == EltwiseOp::kAdd) params.set(pipeline_.b, inputs[1]);
  jit_.realize(output, params);
}

void compile_eltwise(const EltwiseSpec& spec, const Halide::Target& target,
                     const std::string& function_name, const std::string& path_prefix) {
  const EltwisePipeline p = build_eltwise(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_eltwise_module(const EltwiseSpec& spec, const Halide::Target& target,
                                      const std::string& function_name) {
  const EltwisePipeline p = build_eltwise(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
