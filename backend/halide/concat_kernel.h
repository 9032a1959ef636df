// Channel concatenation of channel-blocked tensors (GoogLeNet's inception outputs).
//
// When every input but the last has a channel count that is a multiple of V, each input starts
// on a block boundary of the output, and the memory planner concatenates in place instead: it
// allocates the output and lets each producer write the output's blocks
// [offset_i / V, offset_i / V + ceil(C_i / V)) directly (see concat_in_place()). Note that such
// a crop of dimension 3 is only dense, as every kernel here requires, when N == 1; with N > 1
// the producers would need per-image crops. This kernel is the fallback for the other cases,
// where input channels land at a lane offset inside an output block.
//
// Buffers, V = channel_block(target) (layout.h):
//   input i  blocked (V, W, H, ceil(C_i/V), N)   pad lanes may hold anything (overwritten)
//   output   blocked (V, W, H, ceil(sum C_i/V), N)   pad lanes written as 0
// All buffers must be dense with mins at 0 (checked at run time).
//
// JIT: ConcatKernel k(spec); auto out = k.make_output(); k.run({a, b, c}, out);
// AOT: compile_concat(spec, target, "cat", "out/cat") gives
//      `int cat(halide_buffer_t* input0, ..., halide_buffer_t* input{m-1}, halide_buffer_t*
//      output)`.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/jit_pipeline.h"

namespace kiln::halide {

struct ConcatSpec {
  int n = 1, h = 1, w = 1;
  std::vector<int> channels;  // C_i of each input, in order

  int out_c() const;  // sum of channels
  // e.g. "concat_n1_28x28_c64+128+32+20". No flops(): it only moves data.
  std::string to_string() const;
};

void validate(const ConcatSpec& spec);

// True when the planner can concatenate in place for channel block `block`: every input except
// the last starts and ends on a block boundary.
bool concat_in_place(const std::vector<int>& channels, int block);

struct ConcatPipeline {
  ConcatSpec spec;
  int block = 0;  // V
  std::vector<Halide::ImageParam> inputs;
  Halide::Var v{"v"}, x{"x"}, y{"y"}, cb{"cb"}, n{"n"}, c{"c"};
  // joined(c, x, y, n): channel c of the output for one row, channels contiguous; update i
  // copies input i's blocks to channels [offset_i, offset_i + ceil(C_i/V) * V), and later
  // inputs overwrite the pad lanes that earlier ones copied past their end.
  Halide::Func joined{"concat_joined"};
  std::vector<Halide::RDom> copies;  // per input: r.x lane, r.y block
  Halide::Func output{"concat_output"};

  std::vector<Halide::Argument> arguments() const;
};

ConcatPipeline define_concat(const ConcatSpec& spec, int block);
void schedule_concat(ConcatPipeline& p, const Halide::Target& target);
ConcatPipeline build_concat(const ConcatSpec& spec, const Halide::Target& target);

class ConcatKernel {
 public:
  explicit ConcatKernel(const ConcatSpec& spec,
                        const Halide::Target& target = Halide::get_jit_target_from_environment());

  const ConcatSpec& spec() const { return pipeline_.spec; }
  int block() const { return pipeline_.block; }
  const Halide::Target& target() const { return jit_.target(); }
  double compile_seconds() const { return jit_.compile_seconds(); }

  Halide::Buffer<float> make_output() const;  // zeroed, blocked (V, W, H, ceil(out_c/V), N)
  void run(const std::vector<Halide::Buffer<float>>& inputs, Halide::Buffer<float>& output);

 private:
  ConcatPipeline pipeline_;
  JitPipeline jit_;
};

void compile_concat(const ConcatSpec& spec, const Halide::Target& target,
                    const std::string& function_name, const std::string& path_prefix);
Halide::Module compile_concat_module(const ConcatSpec& spec, const Halide::Target& target,
                                     const std::string& function_name);

}  // namespace kiln::halide
