#include "backend/halide/global_avg_pool_kernel.h"

#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
double GlobalAvgPoolSpec::flops() const {
  return double(n) * c * h * w;
}

std::string GlobalAvgPoolSpec::to_string() const {
  std::ostringstream os;
  os << "gap_n" << n << "_c" << c << "_" << h << "x" << w;
  return os.str();
}

void validate(const GlobalAvgPoolSpec& s) {
  if (s.n <= 0 || s.c <= 0 || s.h <= 0 || s.w <= 0) {
    throw std::invalid_argument("GlobalAvgPoolSpec: sizes must be positive");
  }
}

GlobalAvgPoolPipeline define_global_avg_pool(const GlobalAvgPoolSpec& s, int block) {
  validate(s);
  GlobalAvgPoolPipeline p;
  p.spec = s;
  p.block = block;
  const int V = block;
  p.input = Halide::ImageParam(Halide::Float(32), 5, "input");
  constrain_dense(p.input, {V, s.w, s.h, ceil_div(s.c, V), s.n});
  p.r = Halide::RDom({{0, s.w}, {0, s.h}}, "r");
  p.sum(p.v, p.cb, p.n) = 0.0f;
  p.sum(p.v, p.cb, p.n) += p.input(p.v, p.r.x, p.r.y, p.cb, p.n);
  // Lane c % V of block c / V; with c vectorized in aligned groups of V this is a dense load.
  p.output(p.c, p.n) = p.sum(p.c % V, p.c / V, p.n) * (1.0f / float(s.h * s.w));
  constrain_dense(p.output.output_buffer(), {s.c, s.n});
  return p;
}

// A global pool reads each input vector once (at most a few hundred KiB for the CNN heads), so
// the schedule only keeps the loads dense: one vector accumulator per block, summed over the
// block's contiguous pixels. The ISA only enters through the vector width p.block.
void schedule_global_avg_pool(GlobalAvgPoolPipeline& p, const Halide::Target& /*target*/) {
  Halide::Var cb("cb_out"), lane("lane");
  // GuardWithIf (not ShiftInwards) keeps every output vector aligned to a block, which is what
  // turns c % V and c / V into a lane ramp and a scalar block; the last partial block is
  // written with a predicated store.
  p.output.split(p.c, cb, lane, p.block, Halide::TailStrategy::GuardWithIf)
      .vectorize(lane)
      .parallel(p.n);
  p.sum.compute_at(p.output, p.n).vectorize(p.v);
  p.sum.update().reorder(p.v, p.r.x, p.r.y, p.cb, p.n).vectorize(p.v);
}

GlobalAvgPoolPipeline build_global_avg_pool(const GlobalAvgPoolSpec& spec,
                                            const Halide::Target& target) {
  GlobalAvgPoolPipeline p = define_global_avg_pool(spec, channel_block(target));
  schedule_global_avg_pool(p, target);
  return p;
}

GlobalAvgPoolKernel::GlobalAvgPoolKernel(const GlobalAvgPoolSpec& spec,
                                         const Halide::Target& target)
    : pipeline_(build_global_avg_pool(spec, target)),
      jit_(pipeline_.output, target, "global_avg_pool kernel " + spec.to_string()) {}

Halide::Buffer<float> GlobalAvgPoolKernel::make_output() const {
  Halide::Buffer<float> out(pipeline_.spec.c, pipeline_.spec.n);
  out.fill(0.0f);
  return out;
}

void GlobalAvgPoolKernel::run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output) {
  Halide::ParamMap params;
  params.set(pipeline_.input, input);
  jit_.realize(output, params);
}

void compile_global_avg_pool(const GlobalAvgPoolSpec& spec, const Halide::Target& target,
                             const std::string& function_name, const std::string& path_prefix) {
  const GlobalAvgPoolPipeline p = build_global_avg_pool(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_global_avg_pool_module(const GlobalAvgPoolSpec& spec,
                                              const Halide::Target& target,
                                              const std::string& function_name) {
  const GlobalAvgPoolPipeline p = build_global_avg_pool(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
