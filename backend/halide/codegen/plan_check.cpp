#include "backend/halide/codegen/plan_check.h"

#include <set>
#include <stdexcept>
#include <string>

#include "backend/halide/buffer_index_limit.h"
#include "backend/halide/codegen/c_text.h"

namespace kiln::halide::codegen {
namespace {

using Storage = PlanTensor::Storage;

[[noreturn]] void fail(const std::string& what) {
  throw std::invalid_argument("invalid plan: " + what);
}

std::string label(const Plan& plan, int t) {
  return "tensor " + std::to_string(t) + " '" + plan.tensors[t].name + "'";
}

void check_kernels(const Plan& plan) {
  std::set<std::string> names;
  for (const PlanKernel& k : plan.kernels) {
    if (!is_c_identifier(k.function_name) || is_reserved_symbol(k.function_name)) {
      fail("kernel name '" + k.function_name + "' is not a usable C symbol");
    }
    if (!names.insert(k.function_name).second) fail("two kernels are named " + k.function_name);
    if (!k.build) fail("kernel " + k.function_name + " has no build function");
    if (k.signature.empty()) fail("kernel " + k.function_name + " has no signature");
  }
}

void check_shape(const Plan& plan, int t) {
  const PlanTensor& x = plan.tensors[t];
  if (x.extents.size() != x.strides.size() || x.extents.size() > 16) {
    fail(label(plan, t) + " has mismatched or too many dimensions");
  }
  for (size_t d = 0; d < x.extents.size(); ++d) {
    if (x.extents[d] < 1) {
      fail(label(plan, t) + " has extent " + std::to_string(x.extents[d]) + " in dimension " +
           std::to_string(d) + ": extents must be at least 1");
    }
    if (x.strides[d] < 0) {
      fail(label(plan, t) + " has a negative stride in dimension " + std::to_string(d));
    }
  }
  const std::string excess = buffer_index_excess(x);
  if (!excess.empty()) fail(label(plan, t) + " " + excess + ", " + buffer_limit_text());
  if (x.offset < 0) fail(label(plan, t) + " has a negative offset");
  if (x.alias_of >= static_cast<int>(plan.tensors.size())) fail(label(plan, t) + " bad alias");
}

void resolve_roots(const Plan& plan, CheckedPlan& out) {
  const int n = static_cast<int>(plan.tensors.size());
  for (int t = 0; t < n; ++t) {
    int root = t, hops = 0;
    int64_t offset = plan.tensors[t].offset;
    for (; plan.tensors[root].alias_of >= 0; ++hops) {
      if (hops > n) fail(label(plan, t) + " is part of an alias cycle");
      root = plan.tensors[root].alias_of;
      offset += plan.tensors[root].offset;
    }
    out.root.push_back(root);
    out.storage.push_back(static_cast<int>(plan.tensors[root].storage));
    out.absolute.push_back(offset);
  }
}

bool is_dense(const PlanTensor& t) {
  int64_t expected = 1;
  for (size_t d = 0; d < t.extents.size(); ++d) {
    if (t.strides[d] != expected) return false;
    expected *= t.extents[d];
  }
  return true;
}

void check_io(const Plan& plan, const CheckedPlan& c, const std::vector<int>& ids, Storage s,
              const char* kind) {
  std::set<int> listed;
  for (int t : ids) {
    if (t < 0 || t >= static_cast<int>(plan.tensors.size())) fail(std::string("bad ") + kind);
    const PlanTensor& x = plan.tensors[t];
    if (x.alias_of >= 0 || x.storage != s || x.offset != 0 || !is_dense(x)) {
      fail(label(plan, t) + " is listed as " + kind + " but is not a dense root of that storage");
    }
    if (!listed.insert(t).second) fail(label(plan, t) + " is listed twice as " + kind);
  }
  for (size_t t = 0; t < plan.tensors.size(); ++t) {
    if (c.root[t] == static_cast<int>(t) && c.storage[t] == static_cast<int>(s) &&
        !listed.count(t)) {
      fail(label(plan, t) + " has storage " + kind + " but is not a plan " + kind);
    }
  }
}

int64_t region_floats(const Plan& plan, const CheckedPlan& c, int t) {
  switch (static_cast<Storage>(c.storage[t])) {
    case Storage::arena:
      return plan.arena_floats;
    case Storage::weights:
      return static_cast<int64_t>(plan.weights_blob.size());
    default:
      return span_floats(plan.tensors[c.root[t]]);
  }
}

void check_bounds(const Plan& plan, const CheckedPlan& c) {
  for (size_t t = 0; t < plan.tensors.size(); ++t) {
    const int64_t end = c.absolute[t] + span_floats(plan.tensors[t]);
    if (end > region_floats(plan, c, t)) {
      fail(label(plan, t) + " extends past the end of its storage");
    }
  }
}

void check_steps(const Plan& plan, CheckedPlan& c) {
  if (plan.steps.empty()) fail("no steps");
  c.arity.assign(plan.kernels.size(), -1);
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const PlanStep& s = plan.steps[i];
    const std::string name = "step " + std::to_string(i);
    if (s.kernel < 0 || s.kernel >= static_cast<int>(plan.kernels.size()))
      fail(name + " bad kernel");
    if (s.args.empty()) fail(name + " has no arguments");
    for (int a : s.args) {
      if (a < 0 || a >= static_cast<int>(plan.tensors.size())) fail(name + " bad tensor id");
    }
    int& arity = c.arity[s.kernel];
    if (arity >= 0 && arity != static_cast<int>(s.args.size())) {
      fail(name + " passes " + std::to_string(s.args.size()) + " arguments to " +
           plan.kernels[s.kernel].function_name + ", another step " + std::to_string(arity));
    }
    arity = static_cast<int>(s.args.size());
  }
}

}  // namespace

int64_t span_floats(const PlanTensor& t) {
  int64_t span = 1;
  for (size_t d = 0; d < t.extents.size(); ++d) span += (t.extents[d] - 1) * t.strides[d];
  return span;
}

std::vector<int64_t> graph_shape(const PlanTensor& t) {
  return {t.extents.rbegin(), t.extents.rend()};
}

CheckedPlan check_plan(const Plan& plan) {
  check_kernels(plan);
  for (size_t t = 0; t < plan.tensors.size(); ++t) check_shape(plan, static_cast<int>(t));
  CheckedPlan c;
  resolve_roots(plan, c);
  check_io(plan, c, plan.inputs, Storage::input, "input");
  check_io(plan, c, plan.outputs, Storage::output, "output");
  if (plan.arena_floats < 0) fail("negative arena size");
  check_bounds(plan, c);
  check_steps(plan, c);
  return c;
}

}  // namespace kiln::halide::codegen
