#include "backend/halide/reuse_residual_storage.h"

#include <algorithm>

namespace kiln::halide {
namespace {

// The root `t` is a whole view of (offset 0 at every hop, same extents and strides), or -1.
int whole_root(const Plan& plan, int t) {
  int root = t;
  for (; plan.tensors[root].alias_of >= 0; root = plan.tensors[root].alias_of)
    if (plan.tensors[root].offset != 0) return -1;
  const PlanTensor &a = plan.tensors[t], &b = plan.tensors[root];
  return a.extents == b.extents && a.strides == b.strides ? root : -1;
}

// Whether `step` passes `root`'s storage more than once, or a later step reads it.
bool read_elsewhere(const Plan& plan, size_t step, int root) {
  const std::vector<int>& args = plan.steps[step].args;
  if (std::count_if(args.begin(), args.end(), [&](int t) { return root_tensor(plan, t) == root; }) >
      1)
    return true;
  for (size_t s = step + 1; s < plan.steps.size(); ++s)
    for (int t : plan.steps[s].args)
      if (root_tensor(plan, t) == root) return true;
  return false;
}

// The storage (a root tensor) the output of `step` may take, or -1.
int storage_to_take(const Plan& plan, size_t step) {
  const PlanStep& s = plan.steps[step];
  const PlanTensor& out = plan.tensors[s.args.back()];
  const int root = whole_root(plan, s.args.at(s.overwritable_input));
  if (root < 0 || out.alias_of >= 0 || out.storage != PlanTensor::Storage::arena) return -1;
  const PlanTensor& in = plan.tensors[root];
  const bool fits = in.extents == out.extents && in.strides == out.strides;
  if (in.storage != PlanTensor::Storage::arena || !fits || read_elsewhere(plan, step, root))
    return -1;
  return root;
}

}  // namespace

int reuse_residual_storage(Plan& plan) {
  int reused = 0;
  for (size_t step = 0; step < plan.steps.size(); ++step) {
    const PlanStep& s = plan.steps[step];
    if (s.overwritable_input < 0) continue;
    const int storage = storage_to_take(plan, step);
    if (storage < 0) continue;
    PlanTensor& out = plan.tensors[s.args.back()];
    out.alias_of = storage;
    out.offset = 0;
    ++reused;
  }
  return reused;
}

}  // namespace kiln::halide
