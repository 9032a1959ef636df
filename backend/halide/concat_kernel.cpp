#include "backend/halide/concat_kernel.h"

#include <algorithm>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "backend/halide/kernel_compile.h"
#include "backend/halide/layout.h"

namespace kiln::halide {
namespace {

// "input2", "r2": Halide names that say which operand a parameter or copy belongs to.
std::string numbered(const char* prefix, size_t i) {
  std::string name = prefix;
  name += std::to_string(i);
  return name;
}

}  // namespace

int ConcatSpec::out_c() const {
  return std::accumulate(channels.begin(), channels.end(), 0);
}

std::string ConcatSpec::to_string() const {
  std::ostringstream os;
  os << "concat_n" << n << "_" << h << "x" << w << "_c";
  for (size_t i = 0; i < channels.size(); ++i) os << (i ? "+" : "") << channels[i];
  return os.str();
}

void validate(const ConcatSpec& s) {
  if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.channels.empty() ||
      std::any_of(s.channels.begin(), s.channels.end(), [](int c) { return c <= 0; })) {
    throw std::invalid_argument("ConcatSpec: sizes and channel counts must be positive");
  }
}

bool concat_in_place(const std::vector<int>& channels, int block) {
  for (size_t i = 0; i + 1 < channels.size(); ++i) {
    if (channels[i] % block != 0) return false;
  }
  return true;
}

std::vector<Halide::Argument> ConcatPipeline::arguments() const {
  return std::vector<Halide::Argument>(inputs.begin(), inputs.end());
}

ConcatPipeline define_concat(const ConcatSpec& s, int block) {
  validate(s);
  ConcatPipeline p;
  p.spec = s;
  p.block = block;
  const int V = block;
  const Halide::Var &x = p.x, &y = p.y, &n = p.n;
  // Never read: every output channel below out_c() is written by some update, and the output
  // masks the lanes above it.
  p.joined(p.c, x, y, n) = Halide::undef<float>();
  int offset = 0;
  for (size_t i = 0; i < s.channels.size(); ++i) {
    const int blocks = ceil_div(s.channels[i], V);
    Halide::ImageParam in(Halide::Float(32), 5, numbered("input", i));
    constrain_dense(in, {V, s.w, s.h, blocks, s.n});
    Halide::RDom r({{0, V}, {0, blocks}}, numbered("r", i));
    // Whole blocks, pad lanes included, so the copy is one aligned vector load per block; the
    // next input overwrites what lands past this input's last channel.
    p.joined(offset + r.y * V + r.x, x, y, n) = in(r.x, x, y, r.y, n);
    p.inputs.push_back(in);
    p.copies.push_back(r);
    offset += s.channels[i];
  }
  Halide::Expr channel = p.cb * V + p.v;
  p.output(p.v, x, y, p.cb, n) =
      Halide::select(channel < s.out_c(), p.joined(channel, x, y, n), 0.0f);
  constrain_dense(p.output.output_buffer(), {V, s.w, s.h, ceil_div(s.out_c(), V), s.n});
  return p;
}

// A pure copy: each input row is moved into an L1-resident row with channels contiguous
// (unaligned vector stores at the channel offsets), then written out as aligned blocks. Rows
// are tasks. The ISA only enters through the vector width p.block.
void schedule_concat(ConcatPipeline& p, const Halide::Target& /*target*/) {
  Halide::Var row("row");
  p.output.reorder(p.v, p.x, p.cb, p.y, p.n).vectorize(p.v).fuse(p.y, p.n, row).parallel(row);
  p.joined.compute_at(p.output, row);
  for (size_t i = 0; i < p.copies.size(); ++i) {
    const Halide::RDom& r = p.copies[i];
    // Lane r.x of block r.y goes to its own channel offset + r.y * V + r.x, so vectorizing
    // r.x has no race (Halide cannot prove it through the sum).
    p.joined.update(int(i)).allow_race_conditions().reorder(r.x, p.x, r.y).vectorize(r.x);
  }
}

ConcatPipeline build_concat(const ConcatSpec& spec, const Halide::Target& target) {
  ConcatPipeline p = define_concat(spec, channel_block(target));
  schedule_concat(p, target);
  return p;
}

ConcatKernel::ConcatKernel(const ConcatSpec& spec, const Halide::Target& target)
    : pipeline_(build_concat(spec, target)),
      jit_(pipeline_.output, target, "concat kernel " + spec.to_string()) {}

Halide::Buffer<float> ConcatKernel::make_output() const {
  const ConcatSpec& s = pipeline_.spec;
  return make_blocked(s.n, s.out_c(), s.h, s.w, pipeline_.block);
}

void ConcatKernel::run(const std::vector<Halide::Buffer<float>>& inputs,
                       Halide::Buffer<float>& output) {
  const ConcatSpec& s = pipeline_.spec;
  if (inputs.size() != pipeline_.inputs.size()) {
    throw std::invalid_argument("ConcatKernel::run: " + s.to_string() + " takes " +
                                std::to_string(pipeline_.inputs.size()) + " inputs");
  }
  Halide::ParamMap params;
  for (size_t i = 0; i < inputs.size(); ++i) params.set(pipeline_.inputs[i], inputs[i]);
  jit_.realize(output, params);
}

void compile_concat(const ConcatSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix) {
  const ConcatPipeline p = build_concat(spec, target);
  compile_pipeline_to_files(p.output, p.arguments(), target, function_name, path_prefix);
}

Halide::Module compile_concat_module(const ConcatSpec& spec, const Halide::Target& target,
                                     const std::string& function_name) {
  const ConcatPipeline p = build_concat(spec, target);
  return compile_pipeline_to_module(p.output, p.arguments(), target, function_name);
}

}  // namespace kiln::halide
