#include "backend/halide/conv2d_kernel.h"

#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using Halide::Func;

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("Conv2dSpec: " + what);
}

std::vector<int> blocked_extents(int n, int c, int h, int w, int block) {
  return {block, w, h, ceil_div(c, block), n};
}

// Horizontal padding: zeros outside the image columns, as a select on the loaded pixel. The
// condition is invariant in the channel loop and is simplified away for all interior taps once
// the schedule unrolls kx, and Halide peels the last tile of a row, so few steps pay for it.
// Vertical padding is handled by the reduction domain instead (see define_conv2d).
Func pad_columns(const Conv2dPipeline& p) {
  const Conv2dSpec& s = p.spec;
  if (s.pad_left == 0 && s.pad_right == 0) return p.input;
  // The column is dimension 1 of the blocked input (V, W, H, C/V, N), 0 of the plain (W, H, C, N).
  Halide::Region bounds(s.plain_input ? 4 : 5);
  bounds[s.plain_input ? 0 : 1] = Halide::Range(0, s.w);
  return Halide::BoundaryConditions::constant_exterior(p.input, 0.0f, bounds);
}

// Where the input channel of reduction step (r.x, r.y) for output lane (kb, v) lives.
struct InputChannel {
  Expr lane, block;  // position in the blocked input
  Expr in_group;     // channel index within the group: the weights' C/groups dimension
};

InputChannel input_channel(const Conv2dPipeline& p) {
  const Conv2dSpec& s = p.spec;
  const int V = p.block, cg = s.c / s.groups, kg = s.k / s.groups;
  if (reduction_walks_blocks(s, V)) {
    // With groups, an output block lies inside one group: the group is a per-block scalar.
    Expr first_block = s.groups == 1 ? Expr(0) : (p.kb / (kg / V)) * (cg / V);
    return {p.r.x, first_block + p.r.y, p.r.y * V + p.r.x};
  }
  Expr c = p.r.x;
  if (s.groups > 1) {
    // Each lane may have its own group (depthwise, small groups): a gather, speed secondary.
    Expr g = (p.kb * V + p.v) / kg;
    // Pad lanes (output channel >= K) must still read inside the allocated input lanes.
    const int kpad = ceil_div(s.k, V) * V;
    if (((kpad - 1) / kg) * cg + cg > ceil_div(s.c, V) * V) g = Halide::min(g, s.groups - 1);
    c = g * cg + p.r.x;
  }
  return {c % V, c / V, p.r.x};
}

}  // namespace

double Conv2dSpec::flops() const {
  return 2.0 * n * k * out_h() * out_w() * (double(c) / groups) * kh * kw;
}

std::string Conv2dSpec::to_string() const {
  // Every number has its own separator: the string is a cache key, (1,11) and (11,1) differ.
  std::ostringstream os;
  os << "n" << n << "_c" << c << "_" << h << "x" << w << "_k" << k << "_" << kh << "x" << kw << "_s"
     << sh << "x" << sw << "_p" << pad_top << "x" << pad_left << "x" << pad_bottom << "x"
     << pad_right << "_d" << dh << "x" << dw << "_g" << groups << (has_bias ? "_bias" : "")
     << (has_residual ? "_res" : "") << (plain_input ? "_plain" : "")
     << activation_suffix(activation, activation_params);
  return os.str();
}

void validate(const Conv2dSpec& s) {
  require(s.n > 0 && s.c > 0 && s.h > 0 && s.w > 0 && s.k > 0, "sizes must be positive");
  require(s.kh > 0 && s.kw > 0, "kernel size must be positive");
  require(s.sh > 0 && s.sw > 0 && s.dh > 0 && s.dw > 0, "stride and dilation must be positive");
  require(s.pad_top >= 0 && s.pad_left >= 0 && s.pad_bottom >= 0 && s.pad_right >= 0,
          "padding must be non-negative");
  require(s.groups > 0 && s.c % s.groups == 0 && s.k % s.groups == 0,
          "groups must divide both channel counts");
  require(s.out_h() > 0 && s.out_w() > 0, "window larger than the padded input");
  require(!s.plain_input || s.groups == 1, "a plain input needs groups == 1");
  validate_activation(s.activation, s.activation_params, "Conv2dSpec");
}

std::vector<Halide::Argument> Conv2dPipeline::arguments() const {
  std::vector<Halide::Argument> args{input, weights};
  if (spec.has_bias) args.push_back(bias);
  if (spec.has_residual) args.push_back(residual);
  return args;
}

Expr conv2d_epilogue(const Conv2dSpec& s, Expr value, Expr residual, Expr channel, int block) {
  if (s.has_residual) value += residual;
  value = apply_activation(s.activation, s.activation_params, value);
  // Keeps channel padding zero when the activation would make it non-zero.
  if (s.k % block != 0 && !activation_keeps_zero(s.activation, s.activation_params))
    value = Halide::select(channel < s.k, value, 0.0f);
  return value;
}

bool reduction_walks_blocks(const Conv2dSpec& s, int block) {
  const int cg = s.c / s.groups, kg = s.k / s.groups;
  const bool block_aligned_groups = cg % block == 0 && (s.groups == 1 || kg % block == 0);
  return !s.plain_input && block_aligned_groups;
}

int reduction_channel_steps(const Conv2dSpec& s, int block) {
  return reduction_walks_blocks(s, block) ? block : s.c / s.groups;
}

Conv2dPipeline define_conv2d(const Conv2dSpec& s, int block) {
  validate(s);
  Conv2dPipeline p;
  p.spec = s;
  p.block = block;
  const int V = block, cg = s.c / s.groups, k_blocks = ceil_div(s.k, V);
  p.input = Halide::ImageParam(Halide::Float(32), s.plain_input ? 4 : 5, "input");
  p.weights = Halide::ImageParam(Halide::Float(32), 5, "weights");
  p.bias = Halide::ImageParam(Halide::Float(32), 1, "bias");
  p.residual = Halide::ImageParam(Halide::Float(32), 5, "residual");
  const auto out_extents = blocked_extents(s.n, s.k, s.out_h(), s.out_w(), V);
  constrain_dense(p.input, s.plain_input ? std::vector<int>{s.w, s.h, s.c, s.n}
                                         : blocked_extents(s.n, s.c, s.h, s.w, V));
  constrain_dense(p.weights, {V, cg, s.kw, s.kh, k_blocks});
  if (s.has_bias) constrain_dense(p.bias, {k_blocks * V});
  if (s.has_residual) constrain_dense(p.residual, out_extents);

  const int channel_steps = reduction_channel_steps(s, V);
  p.r = Halide::RDom({{0, channel_steps}, {0, cg / channel_steps}, {0, s.kw}, {0, s.kh}}, "r");
  const Halide::Var &v = p.v, &x = p.x, &y = p.y, &kb = p.kb, &n = p.n;
  Func in = pad_columns(p);
  const InputChannel c = input_channel(p);
  Expr xin = x * s.sw + p.r.z * s.dw - s.pad_left;
  Expr yin = y * s.sh + p.r.w * s.dh - s.pad_top;
  // Vertical padding as a predicate on ky: it only depends on the output row, so Halide trims
  // the ky loop per row instead of testing every load (rows are fused into the parallel loop,
  // which loop partitioning would not split). The clamp changes no value the predicate admits;
  // it tells bounds inference that no row outside the image is read.
  if (s.pad_top > 0 || s.pad_bottom > 0) {
    p.r.where(yin >= 0 && yin < s.h);
    yin = Halide::clamp(yin, 0, s.h - 1);
  }
  p.conv(v, x, y, kb, n) = s.has_bias ? p.bias(kb * V + v) : Expr(0.0f);
  Expr pixel = s.plain_input ? in(xin, yin, c.in_group, n) : in(c.lane, xin, yin, c.block, n);
  p.conv(v, x, y, kb, n) += pixel * p.weights(v, c.in_group, p.r.z, p.r.w, kb);

  p.output(v, x, y, kb, n) =
      conv2d_epilogue(s, p.conv(v, x, y, kb, n), p.residual(v, x, y, kb, n), kb * V + v, V);
  constrain_dense(p.output.output_buffer(), out_extents);
  return p;
}

void schedule_conv2d(Conv2dPipeline& p, const Halide::Target& target) {
  if (channel_block(target) == 16) {
    schedule_conv2d_avx512(p);
  } else {
    schedule_conv2d_avx2(p);
  }
}

Conv2dPipeline build_conv2d(const Conv2dSpec& spec, const Halide::Target& target) {
  Conv2dPipeline p = define_conv2d(spec, channel_block(target));
  schedule_conv2d(p, target);
  return p;
}

bool conv2d_may_overwrite_residual(const Conv2dSpec& spec, const Halide::Target& target) {
  return spec.has_residual && build_conv2d(spec, target).may_overwrite_residual;
}

}  // namespace kiln::halide
