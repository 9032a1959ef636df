// The halide_buffer_t of every plan tensor, built once at load time and pointing into the arena
// or the weights mapping; a run only swaps the host pointers of input and output tensors (and
// their views), so executing a step is one indirect call with a prebuilt argument array.
#pragma once

#include <cstdint>
#include <vector>

#include "HalideRuntime.h"
#include "runtime/kiln_plan.h"
#include "runtime/plan_check.h"

namespace kiln::rt {

class BufferSet {
 public:
  // `tensors` comes from resolve_plan(plan); arena / weights may be null if nothing lives there.
  BufferSet(const kiln_plan& plan, const std::vector<ResolvedTensor>& tensors, float* arena,
            float* weights);
  BufferSet(const BufferSet&) = delete;
  BufferSet& operator=(const BufferSet&) = delete;

  // Points input / output i (and every view of it) at the caller's memory.
  void bind_input(int i, const float* host) { bind(input_views_[i], const_cast<float*>(host)); }
  void bind_output(int i, float* host) { bind(output_views_[i], host); }

  // The argv array of step i (halide_buffer_t pointers, as the kernels' argv wrappers expect).
  void** step_args(int i) { return argv_.data() + argv_begin_[i]; }

 private:
  struct View {
    int tensor;
    int64_t offset;  // floats from the start of the bound buffer
  };
  void build_buffer(int t, const kiln_plan_tensor& x, halide_dimension_t* dims, float* host);
  void bind(const std::vector<View>& views, float* host);

  std::vector<halide_dimension_t> dims_;
  std::vector<halide_buffer_t> buffers_;
  std::vector<void*> argv_;
  std::vector<size_t> argv_begin_;
  std::vector<std::vector<View>> input_views_, output_views_;
};

}  // namespace kiln::rt
