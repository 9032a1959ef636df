#include "backend/halide/pool_kernel.h"

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using Halide::Func;

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("Pool2dSpec: " + what);
}

int window_output_size(int in, int kernel, int stride, int pad_lo, int pad_hi, bool ceil_mode) {
  const int avail = in + pad_lo + pad_hi - kernel;
  if (avail < 0) return 0;
  int out = (ceil_mode ? (avail + stride - 1) / stride : avail / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_lo) --out;
  return out;
}

// One spatial axis of the pooling windows.
struct Axis {
  int in, out, kernel, stride, pad_lo, pad_hi;

  // Whether some window reaches outside [0, in): only then does the axis need a boundary
  // condition and a per-window divisor.
  bool leaves_input() const { return pad_lo > 0 || (out - 1) * stride - pad_lo + kernel > in; }

  // Positions of window `o` that the average divides by.
  Expr count(Expr o, bool include_pad) const {
    if (!leaves_input()) return kernel;
    Expr start = o * stride - pad_lo;
    if (include_pad) return Halide::min(start + kernel, in + pad_hi) - start;
    return Halide::min(start + kernel, in) - Halide::max(start, 0);
  }
};

Axis rows(const Pool2dSpec& s) {
  return {s.h, s.out_h(), s.kh, s.sh, s.pad_top, s.pad_bottom};
}
Axis cols(const Pool2dSpec& s) {
  return {s.w, s.out_w(), s.kw, s.sw, s.pad_left, s.pad_right};
}

// The input with `fill` outside the image, bounded only along axes that windows leave so the
// lane and block accesses stay plain vector loads.
Func bounded_input(const Pool2dPipeline& p, float fill) {
  const bool bound_x = cols(p.spec).leaves_input(), bound_y = rows(p.spec).leaves_input();
  if (!bound_x && !bound_y) return Func(p.input);
  Halide::Region bounds(5);
  if (bound_x) bounds[1] = Halide::Range(0, p.spec.w);
  if (bound_y) bounds[2] = Halide::Range(0, p.spec.h);
  return Halide::BoundaryConditions::constant_exterior(p.input, fill, bounds);
}

// Pairwise reduction: independent operations for the out-of-order core instead of a chain.
template <typename Combine>
Expr tree_reduce(std::vector<Expr> terms, Combine combine) {
  while (terms.size() > 1) {
    std::vector<Expr> next;
    for (size_t i = 0; i + 1 < terms.size(); i += 2)
      next.push_back(combine(terms[i], terms[i + 1]));
    if (terms.size() % 2 == 1) next.push_back(terms.back());
    terms = std::move(next);
  }
  return terms.front();
}

std::vector<Expr> window_taps(const Pool2dPipeline& p, const Func& in) {
  const Pool2dSpec& s = p.spec;
  std::vector<Expr> taps;
  for (int ky = 0; ky < s.kh; ++ky) {
    for (int kx = 0; kx < s.kw; ++kx) {
      Expr xin = p.x * s.sw + (kx - s.pad_left);
      Expr yin = p.y * s.sh + (ky - s.pad_top);
      taps.push_back(in(p.v, xin, yin, p.cb, p.n));
    }
  }
  return taps;
}

// The window's maximum, NaN when any tap is (as in the reference interpreter and PyTorch).
// Halide compiles float code assuming no NaN, and its max becomes a maxps, which drops a NaN in
// its first operand. A NaN-keeping max of each pair (compare, compare, blend) made GoogLeNet's
// and AlexNet's pools 1.5-2.5x slower. Here the plain max tree stays (one maxps per pair) and an
// unordered test of the taps, which LLVM pairs up into one compare per two taps, sets NaN:
// 1.0-1.2x the time of the plain tree (3 alternating rounds, busy host; 0.3% of GoogLeNet). The
// select is strict so that LLVM cannot drop its NaN arm.
Expr max_keeping_nan(const std::vector<Expr>& taps) {
  Expr any_nan = Halide::is_nan(taps.front());
  for (size_t i = 1; i < taps.size(); ++i) any_nan = any_nan || Halide::is_nan(taps[i]);
  const Expr nan = Halide::Expr(std::numeric_limits<float>::quiet_NaN());
  const Expr max = tree_reduce(taps, [](Expr a, Expr b) { return Halide::max(a, b); });
  return Halide::strict_float(Halide::select(any_nan, nan, max));
}

}  // namespace

int Pool2dSpec::out_h() const {
  return window_output_size(h, kh, sh, pad_top, pad_bottom, ceil_mode);
}

int Pool2dSpec::out_w() const {
  return window_output_size(w, kw, sw, pad_left, pad_right, ceil_mode);
}

double Pool2dSpec::flops() const {
  return double(n) * c * out_h() * out_w() * kh * kw;
}

std::string Pool2dSpec::to_string() const {
  std::ostringstream os;
  os << (kind == PoolKind::kMax ? "maxpool" : "avgpool") << "_n" << n << "_c" << c << "_" << h
     << "x" << w << "_" << kh << "x" << kw << "_s" << sh << sw << "_p" << pad_top << pad_left
     << pad_bottom << pad_right << (ceil_mode ? "_ceil" : "")
     << (kind == PoolKind::kAvg && count_include_pad ? "_cip" : "");
  return os.str();
}

void validate(const Pool2dSpec& s) {
  require(s.n > 0 && s.c > 0 && s.h > 0 && s.w > 0, "sizes must be positive");
  require(s.kh > 0 && s.kw > 0 && s.sh > 0 && s.sw > 0, "window and stride must be positive");
  require(s.pad_top >= 0 && s.pad_left >= 0 && s.pad_bottom >= 0 && s.pad_right >= 0,
          "padding must be non-negative");
  // Guarantees every window covers at least one input (max would be -inf, avg 0/0).
  require(s.pad_top < s.kh && s.pad_bottom < s.kh && s.pad_left < s.kw && s.pad_right < s.kw,
          "padding must be smaller than the window");
  require(s.out_h() > 0 && s.out_w() > 0, "window larger than the padded input");
}

Pool2dPipeline define_pool2d(const Pool2dSpec& s, int block) {
  validate(s);
  Pool2dPipeline p;
  p.spec = s;
  p.block = block;
  p.input = Halide::ImageParam(Halide::Float(32), 5, "input");
  const int cb = ceil_div(s.c, block);
  constrain_dense(p.input, {block, s.w, s.h, cb, s.n});

  if (s.kind == PoolKind::kMax) {
    // -inf padding is never selected: every window holds at least one real input. Strict, or
    // the padding's select would tell LLVM that a tap is never NaN, and it would drop the test.
    Func bounded = bounded_input(p, -std::numeric_limits<float>::infinity());
    Func in("strict_input");
    in(p.v, p.x, p.y, p.cb, p.n) = Halide::strict_float(bounded(p.v, p.x, p.y, p.cb, p.n));
    p.output(p.v, p.x, p.y, p.cb, p.n) = max_keeping_nan(window_taps(p, in));
  } else {
    Func in = bounded_input(p, 0.0f);
    Expr sum = tree_reduce(window_taps(p, in), [](Expr a, Expr b) { return a + b; });
    Expr count = rows(s).count(p.y, s.count_include_pad) * cols(s).count(p.x, s.count_include_pad);
    p.output(p.v, p.x, p.y, p.cb, p.n) = sum / Halide::cast<float>(count);
  }
  constrain_dense(p.output.output_buffer(), {block, s.out_w(), s.out_h(), cb, s.n});
  return p;
}

// Pooling is a few loads per output vector, so the schedule only has to keep loads dense
// (lanes in SIMD, rows streamed along x) and hand the thread pool tasks big enough to amortise
// their dispatch. It is the same for AVX2 and AVX-512 apart from the vector width, which is
// why it lives here instead of in per-ISA files.
void schedule_pool2d(Pool2dPipeline& p, const Halide::Target& /*target*/) {
  // ~64 KiB of output per task: a few microseconds of work against ~1 us of dispatch.
  constexpr int kTaskFloats = 16384;
  const int out_h = p.spec.out_h();
  const int rows = std::clamp(ceil_div(kTaskFloats, p.spec.out_w() * p.block), 1, out_h);
  Halide::Var yo("yo"), yi("yi"), rows_cb("rows_cb"), task("task");
  // ShiftInwards recomputes a few rows of the last chunk; pooling is never run in place.
  p.output.split(p.y, yo, yi, rows, Halide::TailStrategy::ShiftInwards)
      .reorder(p.v, p.x, yi, p.cb, yo, p.n)  // rows outermost: see schedule_row_tasks
      .vectorize(p.v)
      .fuse(p.cb, yo, rows_cb)
      .fuse(rows_cb, p.n, task)
      .parallel(task);
}

Pool2dPipeline build_pool2d(const Pool2dSpec& spec, const Halide::Target& target) {
  Pool2dPipeline p = define_pool2d(spec, channel_block(target));
  schedule_pool2d(p, target);
  return p;
}

Pool2dKernel::Pool2dKernel(const Pool2dSpec& spec, const Halide::Target& target)
    : pipeline_(build_pool2d(spec, target)),
      jit_(pipeline_.output, target, "pool2d kernel " + spec.to_string()) {}

Halide::Buffer<float> Pool2dKernel::make_output() const {
  const Pool2dSpec& s = pipeline_.spec;
  return make_blocked(s.n, s.c, s.out_h(), s.out_w(), pipeline_.block);
}

void Pool2dKernel::run(const Halide::Buffer<float>& input, Halide::Buffer<float>& output) {
  // A ParamMap keeps the bound buffers out of the shared pipeline state.
  Halide::ParamMap params;
  params.set(pipeline_.input, input);
  jit_.realize(output, params);
}

void compile_pool2d(const Pool2dSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix) {
  const Pool2dPipeline p = build_pool2d(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_pool2d_module(const Pool2dSpec& spec, const Halide::Target& target,
                                     const std::string& function_name) {
  const Pool2dPipeline p = build_pool2d(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
