#include "backend/halide/dense_kernel.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

using Halide::Expr;
using Halide::TailStrategy;

// A register tile: `blocks` output-feature vectors for `rows` rows of x. Each reduction step
// loads `blocks` weight vectors and broadcasts `rows` inputs into blocks * rows FMAs.
struct DenseTile {
  int blocks = 1;
  int rows = 1;
};

DenseTile pick_tile(const DenseSpec& s, int block, int vector_registers) {
  DenseTile t;
  // Rows share every weight load, so each tile of rows streams all weights once; beyond 4 the
  // accumulators crowd out the weight streams. Balanced tiles keep the overlap of the last
  // (shifted-inwards) row tile small.
  t.rows = ceil_div(s.n, ceil_div(s.n, 4));
  // Accumulators + one register per weight vector + one broadcast must fit, or LLVM spills.
  // Four weight streams already saturate the load ports far beyond DRAM bandwidth, so more
  // blocks would only shrink the number of parallel tasks.
  const int blocks = ceil_div(s.out, block);
  const int most = std::clamp((vector_registers - 1) / (t.rows + 1), 1, std::min(4, blocks));
  // Prefer a tile that divides the blocks: the last tile then does not shift inwards and
  // stream a block's weights a second time (1000 outputs = 63 blocks of 16 -> tiles of 3).
  t.blocks = most;
  for (int b = most; b >= 2; --b) {
    if (blocks % b == 0) {
      t.blocks = b;
      break;
    }
  }
  return t;
}

}  // namespace

double DenseSpec::flops() const {
  return 2.0 * n * in * out;
}

std::string DenseSpec::to_string() const {
  std::ostringstream os;
  os << "dense_n" << n << "_in" << in << "_out" << out << (has_bias ? "_bias" : "")
     << activation_suffix(activation, activation_params);
  return os.str();
}

void validate(const DenseSpec& s) {
  if (s.n <= 0 || s.in <= 0 || s.out <= 0) {
    throw std::invalid_argument("DenseSpec: sizes must be positive");
  }
  validate_activation(s.activation, s.activation_params, "DenseSpec");
}

std::size_t packed_dense_weights_size(int out, int in, int block) {
  return std::size_t(ceil_div(out, block)) * in * block;
}

void pack_dense_weights(const float* src, int out, int in, int block, float* dst) {
  const int blocks = ceil_div(out, block);
  for (int ob = 0; ob < blocks; ++ob) {
    for (int i = 0; i < in; ++i) {
      float* d = dst + (std::size_t(ob) * in + i) * block;
      for (int lane = 0; lane < block; ++lane) {
        const int o = ob * block + lane;
        d[lane] = o < out ? src[std::size_t(o) * in + i] : 0.0f;
      }
    }
  }
}

Halide::Buffer<float> pack_dense_weights(const Halide::Buffer<float>& weights, int block) {
  if (!weights.defined() || weights.dimensions() != 2) {
    throw std::invalid_argument("pack_dense_weights: expected a 2-D (in, out) buffer");
  }
  // Raw-pointer packing indexes dense row-major memory; copy only a strided view.
  const bool dense =
      weights.dim(0).stride() == 1 && weights.dim(1).stride() == weights.dim(0).extent();
  const Halide::Buffer<float> src = dense ? weights : weights.copy();
  const int in = src.dim(0).extent(), out = src.dim(1).extent();
  Halide::Buffer<float> dst(block, in, ceil_div(out, block));
  pack_dense_weights(src.data(), out, in, block, dst.data());
  return dst;
}

std::vector<Halide::Argument> DensePipeline::arguments() const {
  std::vector<Halide::Argument> args{input, weights};
  if (spec.has_bias) args.push_back(bias);
  return args;
}

DensePipeline define_dense(const DenseSpec& s, int block) {
  validate(s);
  DensePipeline p;
  p.spec = s;
  p.block = block;
  const int V = block, blocks = ceil_div(s.out, V);
  p.input = Halide::ImageParam(Halide::Float(32), 2, "input");
  p.weights = Halide::ImageParam(Halide::Float(32), 3, "weights");
  p.bias = Halide::ImageParam(Halide::Float(32), 1, "bias");
  constrain_dense(p.input, {s.in, s.n});
  constrain_dense(p.weights, {V, s.in, blocks});
  if (s.has_bias) constrain_dense(p.bias, {blocks * V});

  p.r = Halide::RDom(0, s.in, "r");
  const Halide::Var &v = p.v, &ob = p.ob, &n = p.n;
  p.acc(v, ob, n) = s.has_bias ? p.bias(ob * V + v) : Expr(0.0f);
  p.acc(v, ob, n) += p.input(p.r, n) * p.weights(v, p.r, ob);
  // Feature o is lane o % V of block o / V; aligned output vectors make this a plain read.
  Expr value = p.acc(p.o % V, p.o / V, n);
  p.output(p.o, n) = apply_activation(s.activation, s.activation_params, value);
  constrain_dense(p.output.output_buffer(), {s.out, s.n});
  return p;
}

// Output-feature blocks in SIMD lanes, a DenseTile of accumulators in registers for the whole
// reduction over input features, and tasks over (tile of blocks, tile of rows).
void schedule_dense(DensePipeline& p, const Halide::Target& target) {
  const int registers = channel_block(target) == 16 ? 32 : 16;
  const DenseTile t = pick_tile(p.spec, p.block, registers);
  Halide::Var ob("ob_out"), lane("lane"), tile("tile"), obi("obi"), no("no"), ni("ni"),
      task("task");
  // The inner split is GuardWithIf so every vector starts on a block boundary (the last one is
  // a predicated store when out % V != 0); the tile splits shift inwards, recomputing a block
  // or row of the last tile rather than guarding the unrolled register tile.
  p.output.split(p.o, ob, lane, p.block, TailStrategy::GuardWithIf)
      .split(ob, tile, obi, t.blocks, TailStrategy::ShiftInwards)
      .split(p.n, no, ni, t.rows, TailStrategy::ShiftInwards)
      .reorder(lane, obi, ni, tile, no)
      .vectorize(lane)
      .unroll(obi)
      .unroll(ni)
      .fuse(tile, no, task)
      .parallel(task);
  p.acc.compute_at(p.output, task).vectorize(p.v).unroll(p.ob).unroll(p.n);
  // Input features outermost: each step streams the next vector of every block in the tile.
  p.acc.update().reorder(p.v, p.ob, p.n, p.r).vectorize(p.v).unroll(p.ob).unroll(p.n);
}

DensePipeline build_dense(const DenseSpec& spec, const Halide::Target& target) {
  DensePipeline p = define_dense(spec, channel_block(target));
  schedule_dense(p, target);
  return p;
}

DenseKernel::DenseKernel(const DenseSpec& spec, const Halide::Target& target)
    : pipeline_(build_dense(spec, target)),
      jit_(pipeline_.output, target, "dense kernel " + spec.to_string()) {}

Halide::Buffer<float> DenseKernel::make_output() const {
  Halide::Buffer<float> out(pipeline_.spec.out, pipeline_.spec.n);
  out.fill(0.0f);
  return out;
}

void DenseKernel::run(const DenseArgs& args, Halide::Buffer<float>& output) {
  const DenseSpec& s = pipeline_.spec;
  if (!args.input.defined() || !args.weights.defined()) {
    throw std::invalid_argument("DenseKernel::run: input and weights are required");
  }
  if (args.bias.defined() != s.has_bias) {
    throw std::invalid_argument(std::string("DenseKernel::run: bias is ") +
                                (s.has_bias ? "required by" : "not used by") + " the spec");
  }
  Halide::ParamMap params;
  params.set(pipeline_.input, args.input);
  params.set(pipeline_.weights, args.weights);
  if (s.has_bias) params.set(pipeline_.bias, args.bias);
  jit_.realize(output, params);
}

void compile_dense(const DenseSpec& spec, const Halide::Target& target,
                   const std::string& function_name, const std::string& path_prefix) {
  const DensePipeline p = build_dense(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_dense_module(const DenseSpec& spec, const Halide::Target& target,
                                    const std::string& function_name) {
  const DensePipeline p = build_dense(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
