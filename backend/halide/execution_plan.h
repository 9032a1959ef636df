// The result of lowering an optimized graph for the Halide backend: which
// kernels to compile, which tensors exist and where they live, and the steps
// that run the model. Code generation (AOT) and the in-process executor both
// consume a Plan; neither looks at the graph again.
//
// Tensors use Halide's dimension order (innermost first). Activations between
// kernels are channel-blocked NCHW<V>c, extents (V, W, H, ceil(C/V), N), V =
// Plan::block; graph inputs and outputs are plain NCHW, extents (W, H, C, N).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "Halide.h"

namespace kiln::halide {

struct PlanTensor {
  enum class Storage {
    input,   // bound to the caller's input buffer at run time
    output,  // bound to the caller's output buffer at run time
    arena,   // an offset into the one activation arena
    weights  // an offset into the packed weights blob
  };
  std::string name;  // graph value name, or a derived one ("conv1.weight.packed")
  Storage storage = Storage::arena;
  std::vector<int> extents;      // Halide order
  std::vector<int64_t> strides;  // in floats, Halide order; dense unless a view
  int64_t offset = 0;            // in floats, into the arena or the weights blob
  // Views (flatten, reshape, in-place concat slices) share another tensor's
  // storage: offset is then relative to that tensor's start.
  int alias_of = -1;

  // The span covered by extents and strides.
  int64_t size_floats() const {
    int64_t span = 1;
    for (size_t d = 0; d < extents.size(); ++d) span += (extents[d] - 1) * strides.at(d);
    return span;
  }
};

// One distinct kernel: compiled once however many steps use it.
struct PlanKernel {
  std::string function_name;  // C symbol in the artifact, e.g. "kiln_k3_conv2d"
  std::string signature;      // op + spec + target + schedule: the cache key
  std::string op;             // "conv2d", "max_pool2d", ...
  // Builds the scheduled kernel as a Halide module named function_name.
  std::function<Halide::Module(const Halide::Target&, const std::string& function_name)> build;
};

struct PlanStep {
  int kernel = -1;                  // index into Plan::kernels
  std::vector<int> args;            // tensor ids in the kernel's argument order, output last
  std::vector<std::string> layers;  // source layers it covers: {"conv1", "bn1", "relu1"}
  std::string description;          // "conv2d 3x3/1 64->64 56x56"
  double flops = 0;
  // An input (index into args) whose storage the output may take where no later step reads
  // it: the kernel reads each of its elements once, before writing that output element
  // (reuse_residual_storage.h). -1: none.
  int overwritable_input = -1;
};

struct Plan {
  Halide::Target target;
  int block = 16;  // V
  std::vector<PlanKernel> kernels;
  std::vector<PlanTensor> tensors;
  std::vector<PlanStep> steps;
  std::vector<int> inputs;   // tensor ids, in graph input order
  std::vector<int> outputs;  // tensor ids, in graph output order
  std::vector<float> weights_blob;
  int64_t arena_floats = 0;
  // Sum of every intermediate tensor's size: what the arena saves against.
  int64_t intermediate_floats = 0;
};

// The tensor whose storage `t` shares: `t` itself unless it is a view (alias_of).
inline int root_tensor(const Plan& plan, int t) {
  while (plan.tensors[t].alias_of >= 0) t = plan.tensors[t].alias_of;
  return t;
}

}  // namespace kiln::halide
