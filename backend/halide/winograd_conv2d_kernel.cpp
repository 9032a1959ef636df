#include "backend/halide/winograd_conv2d_kernel.h"

#include <functional>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"
#include "backend/halide/winograd_transforms.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using Halide::Func;

// sum_col m(row, col) * term(col) for a constant row, skipping zeros and multiplying by +-1 as
// adds: the transforms are mostly zeros and ones.
Expr constant_row_product(const Matrix& m, int row, const std::function<Expr(int)>& term) {
  Expr sum;
  for (int col = 0; col < m.cols; ++col) {
    const double c = m(row, col);
    if (c == 0) continue;
    Expr value = term(col);
    const bool negative = c < 0;
    if (std::abs(c) != 1) value = value * static_cast<float>(std::abs(c));
    if (!sum.defined()) {
      sum = negative ? -value : value;
    } else {
      sum = negative ? sum - value : sum + value;
    }
  }
  return sum.defined() ? sum : Expr(0.0f);
}

// (m * term)(index) for a Var index the schedule unrolls: one expression per row, selected by
// the index (constant after unrolling, so the select folds away).
Expr matrix_product(const Matrix& m, const Expr& index, const std::function<Expr(int)>& term) {
  std::vector<Expr> rows;
  for (int row = 0; row < m.rows; ++row) rows.push_back(constant_row_product(m, row, term));
  return Halide::mux(index, rows);
}

// Zero outside the image in x and y: the tiles overlap the padding and the ragged last tiles.
Func padded_input(const WinogradPipeline& p) {
  const Conv2dSpec& s = p.spec.conv;
  Halide::Region bounds(5);
  bounds[1] = Halide::Range(0, s.w);
  bounds[2] = Halide::Range(0, s.h);
  return Halide::BoundaryConditions::constant_exterior(p.input, 0.0f, bounds);
}

void define_input_transform(WinogradPipeline& p) {
  const Conv2dSpec& s = p.spec.conv;
  const WinogradTransforms& tr = winograd_transforms(p.spec.tile);
  const int m = p.spec.tile;
  Func in = padded_input(p);
  Expr x0 = (p.t % p.tiles_x) * m - s.pad_left, y0 = (p.t / p.tiles_x) * m - s.pad_top;
  p.input_rows(p.v, p.ex, p.a, p.t, p.cb, p.n) =
      matrix_product(tr.bt, p.ex, [&](int col) { return in(p.v, x0 + col, y0 + p.a, p.cb, p.n); });
  p.transformed(p.v, p.t, p.cb, p.ex, p.ey, p.n) = matrix_product(
      tr.bt, p.ey, [&](int row) { return p.input_rows(p.v, p.ex, row, p.t, p.cb, p.n); });
}

// GEMM over input channels per position. When C is a multiple of V the reduction walks
// (lane, block) directly, else channels one by one (lane c % V of block c / V).
void define_gemm(WinogradPipeline& p) {
  const Conv2dSpec& s = p.spec.conv;
  const int V = p.block;
  const bool aligned = s.c % V == 0;
  p.r = Halide::RDom({{0, aligned ? V : s.c}, {0, aligned ? s.c / V : 1}}, "r");
  Expr c = aligned ? p.r.y * V + p.r.x : Expr(p.r.x);
  Expr lane = aligned ? Expr(p.r.x) : c % V, block = aligned ? Expr(p.r.y) : c / V;
  p.gemm(p.v, p.t, p.kb, p.ex, p.ey, p.n) = 0.0f;
  p.gemm(p.v, p.t, p.kb, p.ex, p.ey, p.n) +=
      p.weights(p.v, c, p.ex, p.ey, p.kb) * p.transformed(lane, p.t, block, p.ex, p.ey, p.n);
  p.products(p.v, p.t, p.kb, p.ex, p.ey, p.n) = p.gemm(p.v, p.t, p.kb, p.ex, p.ey, p.n);
}

void define_output_transform(WinogradPipeline& p) {
  const Conv2dSpec& s = p.spec.conv;
  const WinogradTransforms& tr = winograd_transforms(p.spec.tile);
  const int m = p.spec.tile;
  p.output_cols(p.v, p.i, p.ey, p.t, p.kb, p.n) =
      matrix_product(tr.at, p.i, [&](int ex) { return p.products(p.v, p.t, p.kb, ex, p.ey, p.n); });
  Expr t = (p.y / m) * p.tiles_x + p.x / m;
  Expr value = matrix_product(
      tr.at, p.y % m, [&](int ey) { return p.output_cols(p.v, p.x % m, ey, t, p.kb, p.n); });
  if (s.has_bias) value += p.bias(p.kb * p.block + p.v);
  p.output(p.v, p.x, p.y, p.kb, p.n) = conv2d_epilogue(
      s, value, p.residual(p.v, p.x, p.y, p.kb, p.n), p.kb * p.block + p.v, p.block);
}

}  // namespace

std::string WinogradConv2dSpec::to_string() const {
  return conv.to_string() + "_wino" + std::to_string(tile);
}

std::string winograd_ineligibility(const Conv2dSpec& s) {
  if (s.kh != 3 || s.kw != 3) return "window is not 3x3";
  if (s.sh != 1 || s.sw != 1) return "stride is not 1";
  if (s.dh != 1 || s.dw != 1) return "dilation is not 1";
  if (s.groups != 1) return "grouped convolution";
  return "";
}

void validate(const WinogradConv2dSpec& spec) {
  validate(spec.conv);
  const std::string why = winograd_ineligibility(spec.conv);
  if (!why.empty())
    throw std::invalid_argument("WinogradConv2dSpec " + spec.to_string() + ": " + why);
  winograd_transforms(spec.tile);  // throws for unsupported tiles
}

std::vector<Halide::Argument> WinogradPipeline::arguments() const {
  std::vector<Halide::Argument> args{input, weights};
  if (spec.conv.has_bias) args.push_back(bias);
  if (spec.conv.has_residual) args.push_back(residual);
  return args;
}

WinogradPipeline define_winograd_conv2d(const WinogradConv2dSpec& spec, int block) {
  validate(spec);
  const Conv2dSpec& s = spec.conv;
  WinogradPipeline p;
  p.spec = spec;
  p.block = block;
  p.tiles_x = ceil_div(s.out_w(), spec.tile);
  p.tiles_y = ceil_div(s.out_h(), spec.tile);
  const int V = block, kb = ceil_div(s.k, V), alpha = spec.tile + 2;
  p.input = Halide::ImageParam(Halide::Float(32), 5, "input");
  p.weights = Halide::ImageParam(Halide::Float(32), 5, "weights");
  p.bias = Halide::ImageParam(Halide::Float(32), 1, "bias");
  p.residual = Halide::ImageParam(Halide::Float(32), 5, "residual");
  const std::vector<int> out_extents{V, s.out_w(), s.out_h(), kb, s.n};
  constrain_dense(p.input, {V, s.w, s.h, ceil_div(s.c, V), s.n});
  constrain_dense(p.weights, {V, s.c, alpha, alpha, kb});
  if (s.has_bias) constrain_dense(p.bias, {kb * V});
  if (s.has_residual) constrain_dense(p.residual, out_extents);
  define_input_transform(p);
  define_gemm(p);
  define_output_transform(p);
  constrain_dense(p.output.output_buffer(), out_extents);
  return p;
}

void schedule_winograd(WinogradPipeline& p, const Halide::Target& target) {
  if (channel_block(target) == 16) {
    schedule_winograd_avx512(p);
  } else {
    schedule_winograd_avx2(p);
  }
}

WinogradPipeline build_winograd_conv2d(const WinogradConv2dSpec& spec,
                                       const Halide::Target& target) {
  WinogradPipeline p = define_winograd_conv2d(spec, channel_block(target));
  schedule_winograd(p, target);
  return p;
}

}  // namespace kiln::halide
