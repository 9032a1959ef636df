#include "backend/halide/layout_kernel.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

using Halide::TailStrategy;

// ~64 KiB of output per task: a few microseconds of work against ~1 us of dispatch.
constexpr int kTaskFloats = 16384;

std::vector<int> plain_extents(const LayoutSpec& s) {
  return {s.w, s.h, s.c, s.n};
}

std::vector<int> blocked_extents(const LayoutSpec& s, int block) {
  return {block, s.w, s.h, ceil_div(s.c, block), s.n};
}

// Output vectors are one pixel's V channels: a gather across channel planes (stride H*W).
// The conversions run once per graph boundary on at most a few hundred thousand floats, where
// a transposing register tile would not pay for its complexity.
void schedule_to_blocked(LayoutPipeline& p) {
  const LayoutSpec& s = p.spec;
  const int rows = std::clamp(ceil_div(kTaskFloats, s.w * p.block), 1, s.h);
  Halide::Var yo("yo"), yi("yi"), rows_cb("rows_cb"), task("task");
  p.output.split(p.y, yo, yi, rows, TailStrategy::ShiftInwards)
      .reorder(p.v, p.x, yi, p.cb, yo, p.n)  // rows outermost, like the convolutions
      .vectorize(p.v)
      .fuse(p.cb, yo, rows_cb)
      .fuse(rows_cb, p.n, task)
      .parallel(task);
}

// Output vectors run along the pixels of one channel plane (x and y fused, so 7x7 planes
// still fill vectors): a gather with stride V from the blocked input.
void schedule_to_plain(LayoutPipeline& p) {
  const LayoutSpec& s = p.spec;
  const int planes = std::clamp(ceil_div(kTaskFloats, s.w * s.h), 1, s.c * s.n);
  Halide::Var xy("xy"), xy_o("xy_o"), lane("lane"), cn("cn"), task("task"), plane("plane");
  p.output.fuse(p.x, p.y, xy)
      .split(xy, xy_o, lane, p.block, TailStrategy::GuardWithIf)
      .vectorize(lane)
      .fuse(p.c, p.n, cn)
      .split(cn, task, plane, planes, TailStrategy::ShiftInwards)
      .parallel(task);
}

}  // namespace

std::string LayoutSpec::to_string() const {
  std::ostringstream os;
  os << (to_blocked ? "to_blocked" : "to_plain") << "_n" << n << "_c" << c << "_" << h << "x" << w;
  return os.str();
}

void validate(const LayoutSpec& s) {
  if (s.n <= 0 || s.c <= 0 || s.h <= 0 || s.w <= 0) {
    throw std::invalid_argument("LayoutSpec: sizes must be positive");
  }
}

LayoutPipeline define_layout(const LayoutSpec& s, int block) {
  validate(s);
  LayoutPipeline p;
  p.spec = s;
  p.block = block;
  const int V = block;
  if (s.to_blocked) {
    p.input = Halide::ImageParam(Halide::Float(32), 4, "input");
    constrain_dense(p.input, plain_extents(s));
    Halide::Expr channel = p.cb * V + p.v;
    // The clamp keeps pad lanes' (discarded) loads inside the input.
    Halide::Expr value = p.input(p.x, p.y, Halide::min(channel, s.c - 1), p.n);
    p.output(p.v, p.x, p.y, p.cb, p.n) = Halide::select(channel < s.c, value, 0.0f);
    constrain_dense(p.output.output_buffer(), blocked_extents(s, V));
  } else {
    p.input = Halide::ImageParam(Halide::Float(32), 5, "input");
    constrain_dense(p.input, blocked_extents(s, V));
    p.output(p.x, p.y, p.c, p.n) = p.input(p.c % V, p.x, p.y, p.c / V, p.n);
    constrain_dense(p.output.output_buffer(), plain_extents(s));
  }
  return p;
}

// Data movement only: the same schedule for every ISA apart from the vector width.
void schedule_layout(LayoutPipeline& p, const Halide::Target& /*target*/) {
  if (p.spec.to_blocked) {
    schedule_to_blocked(p);
  } else {
    schedule_to_plain(p);
  }
}

LayoutPipeline build_layout(const LayoutSpec& spec, const Halide::Target& target) {
  LayoutPipeline p = define_layout(spec, channel_block(target));
  schedule_layout(p, target);
  return p;
}

LayoutKernel::LayoutKernel(const LayoutSpec& spec, const Halide::Target& target)
    : pipeline_(build_layout(spec, target)),
      jit_(pipeline_.output, target, "layout kernel " + spec.to_string()) {}

Halide::Buffer<float> LayoutKernel::make_output() const {
  const LayoutSpec& s = pipeline_.spec;
  Halide::Buffer<float> out(s.to_blocked ? blocked_extents(s, pipeline_.block) : plain_extents(s));
  out.fill(0.0f);
  return out;
}

void LayoutKernel::run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output) {
  Halide::ParamMap params;
  params.set(pipeline_.input, input);
  jit_.realize(output, params);
}

void compile_layout(const LayoutSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix) {
  const LayoutPipeline p = build_layout(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_layout_module(const LayoutSpec& spec, const Halide::Target& target,
                                     const std::string& function_name) {
  const LayoutPipeline p = build_layout(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
