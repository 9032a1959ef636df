#include "runtime/plan_check.h"

#include <climits>
#include <string>

#include "runtime/error.h"

namespace kiln::rt {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw Error("malformed plan: " + what);
}

std::string tensor_label(const kiln_plan& plan, int t) {
  const char* name = plan.tensors[t].name;
  return "tensor " + std::to_string(t) + (name != nullptr ? " '" + std::string(name) + "'" : "");
}

int64_t tensor_span(const kiln_plan& plan, int t) {
  const kiln_plan_tensor& x = plan.tensors[t];
  if (x.dims < 0 || x.dims > KILN_PLAN_MAX_DIMS) fail(tensor_label(plan, t) + " has bad rank");
  if (x.dims > 0 && (x.extents == nullptr || x.strides == nullptr)) {
    fail(tensor_label(plan, t) + " has no extents or strides");
  }
  int64_t span = 1;
  for (int d = 0; d < x.dims; ++d) {
    const int64_t e = x.extents[d], s = x.strides[d];
    // halide_dimension_t holds 32-bit strides.
    if (e < 1 || s < 0 || s > INT32_MAX) fail(tensor_label(plan, t) + " has a bad dimension");
    int64_t reach = 0;
    if (__builtin_mul_overflow(e - 1, s, &reach) || __builtin_add_overflow(span, reach, &span)) {
      fail(tensor_label(plan, t) + " is too large");
    }
  }
  return span;
}

// Follows alias_of to the root, summing offsets; the walk is bounded to catch cycles.
ResolvedTensor follow_aliases(const kiln_plan& plan, int t) {
  ResolvedTensor r;
  r.root = t;
  for (int hops = 0;; ++hops) {
    const kiln_plan_tensor& x = plan.tensors[r.root];
    if (x.offset < 0 || __builtin_add_overflow(r.offset, x.offset, &r.offset)) {
      fail(tensor_label(plan, t) + " has a bad offset");
    }
    if (x.alias_of < 0) break;
    if (x.alias_of >= plan.num_tensors || hops >= plan.num_tensors) {
      fail(tensor_label(plan, t) + " has a bad alias chain");
    }
    r.root = x.alias_of;
  }
  r.storage = plan.tensors[r.root].storage;
  if (r.storage < KILN_STORAGE_INPUT || r.storage > KILN_STORAGE_WEIGHTS) {
    fail(tensor_label(plan, r.root) + " has unknown storage " + std::to_string(r.storage));
  }
  return r;
}

// Records which io entry owns each input/output root; returns the io's element counts.
std::vector<int64_t> bind_io(const kiln_plan& plan, std::vector<ResolvedTensor>& tensors,
                             const kiln_plan_io* ios, int count, int storage) {
  const char* kind = storage == KILN_STORAGE_INPUT ? "input " : "output ";
  if (count < 0 || (count > 0 && ios == nullptr)) fail(std::string("bad ") + kind + "table");
  std::vector<int64_t> sizes;
  for (int i = 0; i < count; ++i) {
    const kiln_plan_io& io = ios[i];
    if (io.tensor < 0 || io.tensor >= plan.num_tensors) fail(kind + std::to_string(i) + " bad id");
    ResolvedTensor& root = tensors[io.tensor];
    if (root.root != io.tensor || root.storage != storage || root.io >= 0) {
      fail(kind + std::to_string(i) + " is not a distinct root tensor of its storage class");
    }
    if (io.rank < 0 || io.rank > KILN_PLAN_MAX_DIMS || (io.rank > 0 && io.shape == nullptr)) {
      fail(kind + std::to_string(i) + " has a bad shape");
    }
    root.io = i;
    sizes.push_back(shape_elements(io.shape, io.rank));
  }
  return sizes;
}

int64_t region_floats(const kiln_plan& plan, const ResolvedTensor& r, const ResolvedTensor& root,
                      const std::vector<int64_t>& in_sizes, const std::vector<int64_t>& out_sizes) {
  switch (r.storage) {
    case KILN_STORAGE_ARENA:
      return plan.arena_bytes / 4;
    case KILN_STORAGE_WEIGHTS:
      return plan.weights_bytes / 4;
    case KILN_STORAGE_INPUT:
      return root.io >= 0 ? in_sizes[root.io] : -1;
    default:
      return root.io >= 0 ? out_sizes[root.io] : -1;
  }
}

void check_steps(const kiln_plan& plan) {
  if (plan.num_steps < 0 || (plan.num_steps > 0 && plan.steps == nullptr)) fail("bad step table");
  for (int i = 0; i < plan.num_steps; ++i) {
    const kiln_plan_step& s = plan.steps[i];
    const std::string label = "step " + std::to_string(i);
    if (s.fn == nullptr) fail(label + " has no kernel function");
    if (s.num_args < 1 || s.args == nullptr) fail(label + " has no arguments");
    if (s.num_layers < 0 || (s.num_layers > 0 && s.layers == nullptr)) fail(label + " bad layers");
    for (int a = 0; a < s.num_args; ++a) {
      if (s.args[a] < 0 || s.args[a] >= plan.num_tensors) fail(label + " has a bad tensor id");
    }
  }
}

}  // namespace

int64_t shape_elements(const int64_t* shape, int rank) {
  int64_t n = 1;
  for (int d = 0; d < rank; ++d) {
    if (shape[d] < 1 || __builtin_mul_overflow(n, shape[d], &n)) fail("bad io shape");
  }
  return n;
}

std::vector<ResolvedTensor> resolve_plan(const kiln_plan& plan) {
  if (plan.num_tensors < 0 || (plan.num_tensors > 0 && plan.tensors == nullptr)) {
    fail("bad tensor table");
  }
  if (plan.arena_bytes < 0 || plan.weights_bytes < 0) fail("negative arena or weights size");
  std::vector<ResolvedTensor> tensors;
  for (int t = 0; t < plan.num_tensors; ++t) {
    tensors.push_back(follow_aliases(plan, t));
    tensors.back().span = tensor_span(plan, t);
  }
  const auto in_sizes = bind_io(plan, tensors, plan.inputs, plan.num_inputs, KILN_STORAGE_INPUT);
  const auto out_sizes =
      bind_io(plan, tensors, plan.outputs, plan.num_outputs, KILN_STORAGE_OUTPUT);
  for (int t = 0; t < plan.num_tensors; ++t) {
    ResolvedTensor& r = tensors[t];
    r.io = tensors[r.root].io;
    const int64_t region = region_floats(plan, r, tensors[r.root], in_sizes, out_sizes);
    if (region < 0) fail(tensor_label(plan, t) + " lives in an input/output the plan never binds");
    if (r.offset > region || r.span > region - r.offset) {
      fail(tensor_label(plan, t) + " extends past the end of its storage");
    }
  }
  check_steps(plan);
  return tensors;
}

}  // namespace kiln::rt
