#include "runtime/buffers.h"

namespace kiln::rt {

BufferSet::BufferSet(const kiln_plan& plan, const std::vector<ResolvedTensor>& tensors,
                     float* arena, float* weights)
    : input_views_(plan.num_inputs), output_views_(plan.num_outputs) {
  size_t total_dims = 0;
  for (int t = 0; t < plan.num_tensors; ++t) total_dims += plan.tensors[t].dims;
  // Sized up front: buffers keep pointers into dims_.
  dims_.resize(total_dims);
  buffers_.resize(plan.num_tensors);
  halide_dimension_t* next_dims = dims_.data();
  for (int t = 0; t < plan.num_tensors; ++t) {
    const ResolvedTensor& r = tensors[t];
    float* host = nullptr;  // inputs and outputs are bound per run
    if (r.storage == KILN_STORAGE_ARENA) host = arena + r.offset;
    if (r.storage == KILN_STORAGE_WEIGHTS) host = weights + r.offset;
    if (r.storage == KILN_STORAGE_INPUT) input_views_[r.io].push_back({t, r.offset});
    if (r.storage == KILN_STORAGE_OUTPUT) output_views_[r.io].push_back({t, r.offset});
    build_buffer(t, plan.tensors[t], next_dims, host);
    next_dims += plan.tensors[t].dims;
  }
  for (int s = 0; s < plan.num_steps; ++s) {
    argv_begin_.push_back(argv_.size());
    const kiln_plan_step& step = plan.steps[s];
    for (int a = 0; a < step.num_args; ++a) argv_.push_back(&buffers_[step.args[a]]);
  }
}

void BufferSet::build_buffer(int t, const kiln_plan_tensor& x, halide_dimension_t* dims,
                             float* host) {
  for (int d = 0; d < x.dims; ++d) {
    // resolve_plan() checked that strides fit in 32 bits.
    dims[d] = halide_dimension_t(0, x.extents[d], static_cast<int32_t>(x.strides[d]));
  }
  halide_buffer_t& b = buffers_[t];
  b.device = 0;
  b.device_interface = nullptr;
  b.host = reinterpret_cast<uint8_t*>(host);
  b.flags = 0;
  b.type = halide_type_t(halide_type_float, 32);
  b.dimensions = x.dims;
  b.dim = x.dims > 0 ? dims : nullptr;
  b.padding = nullptr;
}

void BufferSet::bind(const std::vector<View>& views, float* host) {
  for (const View& v : views) {
    buffers_[v.tensor].host = reinterpret_cast<uint8_t*>(host + v.offset);
  }
}

}  // namespace kiln::rt
