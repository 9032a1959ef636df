#include "backend/halide/lrn_kernel.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

using Halide::Expr;

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("LrnSpec: " + what);
}

// 1 / sqrt(s) for s > 0 to about a float's precision: the hardware estimate (rsqrt, 12-14 bits)
// and one Newton step, which doubles the bits. A few multiplies, where a vector square root or
// division occupies its unit for 10-20 cycles.
Expr inverse_sqrt(Expr s) {
  Expr y = Halide::fast_inverse_sqrt(s);
  return y * (1.5f - 0.5f * s * y * y);
}

// x / scale^beta. The exponent is a compile-time constant: AlexNet and GoogLeNet use 0.75.
// With scale >= bias > 0 (AlexNet's bias 2, GoogLeNet's 1), scale^-0.75 = r * r * rsqrt(r) for
// r = rsqrt(scale): two estimates and a few FMAs. Two square roots and a division, exact, where
// the scale could reach zero; pow() would be a polynomial per lane.
Expr divide_by_power(Expr x, Expr scale, float beta, bool scale_positive) {
  if (beta == 0.75f && scale_positive) {
    Expr r = inverse_sqrt(scale);
    return x * (r * r * inverse_sqrt(r));
  }
  if (beta == 0.75f) {
    Expr root = Halide::sqrt(scale);
    return x / (root * Halide::sqrt(root));
  }
  if (beta == 0.5f) return x / Halide::sqrt(scale);
  if (beta == 1.0f) return x / scale;
  return x / Halide::pow(scale, beta);
}

// The shortest text that reads back as the same float, so distinct specs never share a
// signature and common values stay readable ("0.75", "1e-04").
std::string exact(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

// Sum of `terms` as a balanced tree, so the adds do not form one dependency chain.
Expr tree_sum(std::vector<Expr> terms) {
  while (terms.size() > 1) {
    std::vector<Expr> next;
    for (size_t i = 0; i + 1 < terms.size(); i += 2) next.push_back(terms[i] + terms[i + 1]);
    if (terms.size() % 2 == 1) next.push_back(terms.back());
    terms = std::move(next);
  }
  return terms.front();
}

}  // namespace

double LrnSpec::flops() const {
  return (2.0 * size + 4) * n * c * h * w;
}

std::string LrnSpec::to_string() const {
  std::ostringstream os;
  os << "lrn_n" << n << "_c" << c << "_" << h << "x" << w << "_size" << size << "_alpha"
     << exact(alpha) << "_beta" << exact(beta) << "_bias" << exact(bias);
  return os.str();
}

void validate(const LrnSpec& s) {
  require(s.n > 0 && s.c > 0 && s.h > 0 && s.w > 0, "sizes must be positive");
  require(s.size > 0, "size must be positive");
  require(std::isfinite(s.alpha) && std::isfinite(s.beta) && std::isfinite(s.bias),
          "alpha, beta and bias must be finite");
}

LrnPipeline define_lrn(const LrnSpec& s, int block) {
  validate(s);
  LrnPipeline p;
  p.spec = s;
  p.block = block;
  const int V = block, blocks = ceil_div(s.c, V);
  p.input = Halide::ImageParam(Halide::Float(32), 5, "input");
  constrain_dense(p.input, {V, s.w, s.h, blocks, s.n});
  const Halide::Var &v = p.v, &x = p.x, &y = p.y, &cb = p.cb, &n = p.n;

  // Zero outside [0, C) clips the window at both channel ends without any bounds logic.
  p.squares(p.c, x, y, n) = 0.0f;
  p.r = Halide::RDom({{0, V}, {0, blocks}}, "r");
  Expr channel = p.r.y * V + p.r.x;
  Expr value = p.input(p.r.x, x, y, p.r.y, n);
  p.squares(channel, x, y, n) = Halide::select(channel < s.c, value * value, 0.0f);

  // Every channel lies within C - 1 of every other, so window terms beyond that only add the
  // zeros outside [0, C): clamping keeps the sum at most 2C - 1 terms however large `size` is
  // (a million terms took Halide minutes to compile). The divisor below keeps the op's `size`.
  const int reach = s.c - 1;
  const int below = static_cast<int>(std::min<int64_t>((s.size - 1) / 2, reach));
  const int above = static_cast<int>(std::min<int64_t>(s.size / 2, reach));
  std::vector<Expr> window;
  for (int j = -below; j <= above; ++j) window.push_back(p.squares(cb * V + v + j, x, y, n));
  Expr scale = s.bias + (s.alpha / static_cast<float>(s.size)) * tree_sum(window);
  const bool scale_positive = s.bias > 0 && s.alpha >= 0;  // a sum of squares is >= 0
  Expr normalised = divide_by_power(p.input(v, x, y, cb, n), scale, s.beta, scale_positive);
  p.output(v, x, y, cb, n) = Halide::select(cb * V + v < s.c, normalised, 0.0f);
  constrain_dense(p.output.output_buffer(), {V, s.w, s.h, blocks, s.n});
  return p;
}

// LRN is a handful of vector loads and two square roots per output vector; the schedule keeps
// the scratch row in L1 and streams input and output along x. Nothing in it depends on the ISA
// beyond the vector width p.block, hence no per-ISA files.
void schedule_lrn(LrnPipeline& p, const Halide::Target& /*target*/) {
  // ~64 KiB of output per task: a few microseconds of work against ~1 us of dispatch.
  constexpr int kTaskFloats = 16384;
  const LrnSpec& s = p.spec;
  const int row_floats = s.w * ceil_div(s.c, p.block) * p.block;
  const int rows = std::clamp(ceil_div(kTaskFloats, row_floats), 1, s.h);
  Halide::Var yo("yo"), yi("yi"), task("task");
  // ShiftInwards recomputes a few rows of the last chunk; LRN is never run in place.
  p.output.split(p.y, yo, yi, rows, Halide::TailStrategy::ShiftInwards)
      .reorder(p.v, p.x, p.cb, yi, yo, p.n)
      .vectorize(p.v)
      .fuse(yo, p.n, task)
      .parallel(task);
  // One input row of squares at a time: about (C + min(size, 2C)) * W floats, L1-resident for
  // the CNN shapes.
  p.squares.compute_at(p.output, yi).vectorize(p.c, p.block);
  // The update writes lane r.x of block r.y to channel r.y * V + r.x, a different element for
  // every (r.x, r.y), so vectorizing r.x has no race (Halide cannot prove it through the sum).
  p.squares.update().allow_race_conditions().reorder(p.r.x, p.x, p.r.y).vectorize(p.r.x);
}

LrnPipeline build_lrn(const LrnSpec& spec, const Halide::Target& target) {
  LrnPipeline p = define_lrn(spec, channel_block(target));
  schedule_lrn(p, target);
  return p;
}

LrnKernel::LrnKernel(const LrnSpec& spec, const Halide::Target& target)
    : pipeline_(build_lrn(spec, target)),
      jit_(pipeline_.output, target, "lrn kernel " + spec.to_string()) {}

Halide::Buffer<float> LrnKernel::make_output() const {
  const LrnSpec& s = pipeline_.spec;
  return make_blocked(s.n, s.c, s.h, s.w, pipeline_.block);
}

void LrnKernel::run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output) {
  Halide::ParamMap params;
  params.set(pipeline_.input, input);
  jit_.realize(output, params);
}

void compile_lrn(const LrnSpec& spec, const Halide::Target& target,
                 const std::string& function_name, const std::string& path_prefix) {
  const LrnPipeline p = build_lrn(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_lrn_module(const LrnSpec& spec, const Halide::Target& target,
                                  const std::string& function_name) {
  const LrnPipeline p = build_lrn(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
