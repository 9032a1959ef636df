#include "backend/halide/lower_graph.h"

#include <map>
#include <set>

#include "backend/halide/buffer_size_check.h"
#include "backend/halide/copy_kernel.h"
#include "backend/halide/layout.h"
#include "backend/halide/lower_ops.h"
#include "backend/halide/memory_planner.h"
#include "backend/halide/reuse_residual_storage.h"

namespace kiln::halide {
namespace {

using Lowering = void (*)(LoweringContext&, const Node&);

const std::map<std::string, Lowering>& lowerings() {
  static const std::map<std::string, Lowering> table = {
      {"conv2d", lower_conv2d},
      {"batch_norm", lower_batch_norm},
      {"max_pool2d", lower_pool2d},
      {"avg_pool2d", lower_pool2d},
      {"global_avg_pool", lower_global_avg_pool},
      {"lrn", lower_lrn},
      {"relu", lower_eltwise},
      {"clip", lower_eltwise},
      {"leaky_relu", lower_eltwise},
      {"sigmoid", lower_eltwise},
      {"add", lower_eltwise},
      {"dense", lower_dense},
      {"softmax", lower_softmax},
      {"flatten", lower_view},
      {"reshape", lower_view},
      {"dropout", lower_view},
      {"concat", lower_concat},
  };
  return table;
}

// Ops whose kernel writes a dense blocked tensor it allocates itself, so that
// the tensor can instead be a slice of a concat's output.
bool writes_own_blocked_output(const Node& n) {
  static const std::set<std::string> ops = {"conv2d",  "batch_norm", "max_pool2d", "avg_pool2d",
                                            "lrn",     "relu",       "clip",       "leaky_relu",
                                            "sigmoid", "add"};
  return ops.count(n.op()) != 0 && n.type().rank() == 4;
}

// Inception's channel concats need no copy: each branch's last kernel writes
// straight into its channel slice of the output. Possible when every operand
// is written by such a kernel, feeds no other concat, and all but the last
// fill whole channel blocks; at batch 1 the slices are dense, which the
// kernels' constant strides require.
void plan_inplace_concats(LoweringContext& cx) {
  const Graph& g = cx.graph();
  std::map<const Node*, int> concat_uses;
  for (const Node* n : g.nodes())
    if (n->is("concat"))
      for (const Node* in : n->inputs()) ++concat_uses[in];
  const int V = cx.block();
  for (const Node* n : g.nodes()) {
    if (!n->is("concat") || n->type().rank() != 4 || n->type().dim(0) != 1) continue;
    int axis = static_cast<int>(n->int_attr("axis"));
    if (axis != 1 && axis != -3) continue;
    bool ok = true;
    for (size_t i = 0; i < n->num_inputs() && ok; ++i) {
      const Node* in = n->input(i);
      bool last = i + 1 == n->num_inputs();
      ok = writes_own_blocked_output(*in) && concat_uses[in] == 1 &&
           (last || in->type().dim(1) % V == 0);
    }
    if (!ok) continue;
    std::vector<int> extents = blocked_extents(n->type(), V);
    int base = cx.add_tensor(n->name(), extents);
    int64_t block_floats = int64_t(extents[0]) * extents[1] * extents[2];
    int64_t channel_offset = 0;
    for (const Node* in : n->inputs()) {
      std::vector<int> e = blocked_extents(in->type(), V);
      cx.place_in(*in, base, channel_offset / V * block_floats, dense_strides(e));
      channel_offset += in->type().dim(1);
    }
    cx.set_value(*n, base, Layout::blocked);
  }
}

void lower_inputs(LoweringContext& cx) {
  for (const Node* in : cx.graph().inputs()) {
    int t = cx.add_tensor(in->name(), plain_extents(in->type()), PlanTensor::Storage::input);
    cx.set_value(*in, t, Layout::plain);
    cx.plan().inputs.push_back(t);
  }
}

void lower_nodes(LoweringContext& cx) {
  for (const Node* n : cx.graph().nodes()) {
    if (n->def().is_source() || cx.has_value(*n)) continue;  // weights; in-place concats
    auto it = lowerings().find(n->op());
    if (it == lowerings().end()) cx.unsupported(*n, "no Halide lowering for this op");
    it->second(cx, *n);
  }
}

// True when a step writes all of `tensor` (directly or through a view of it).
bool written_by_a_step(const Plan& plan, int tensor) {
  for (const auto& s : plan.steps) {
    int out = s.args.back();
    if (root_tensor(plan, out) == tensor && plan.tensors[out].offset == 0 &&
        plan.tensors[out].size_floats() == plan.tensors[tensor].size_floats())
      return true;
  }
  return false;
}

// Graph outputs are plain NCHW in the caller's buffers. The kernel producing
// an output writes there directly when it can; otherwise a copy step does.
void lower_outputs(LoweringContext& cx) {
  Plan& plan = cx.plan();
  std::set<int> claimed;
  for (const auto& o : cx.graph().outputs()) {
    const Node& v = *o.value;
    int t = cx.value(v, Layout::plain);
    PlanTensor& pt = plan.tensors[t];
    bool direct = pt.storage == PlanTensor::Storage::arena && pt.alias_of < 0 &&
                  written_by_a_step(plan, t) && !claimed.count(t);
    if (!direct) {
      int64_t count = v.type().num_elements();
      CopySpec spec{count};
      // Always hand-scheduled: a copy leaves an autoscheduler nothing to decide.
      int k = cx.kernel("copy", spec.to_string(), Scheduler::hand,
                        [spec](const Halide::Target& tg, const std::string& fn) {
                          return compile_copy_module(spec, tg, fn);
                        });
      int src = cx.add_view(v.name() + ".flat", t, 0, {static_cast<int>(count)}, {1});
      t = cx.add_tensor(v.name() + ".out", plain_extents(v.type()));
      int dst = cx.add_view(v.name() + ".out.flat", t, 0, {static_cast<int>(count)}, {1});
      cx.add_step(k, {src, dst}, {v.name()}, "copy to output " + v.type().str(), 0);
    }
    // The runtime names outputs by their tensors: the output takes the
    // value's name (a converted "x.nchw" or a copy "x.out" becomes "x").
    for (size_t i = 0; i < plan.tensors.size(); ++i)
      if (plan.tensors[i].name == v.name() && static_cast<int>(i) != t)
        plan.tensors[i].name += ".value";
    plan.tensors[t].name = v.name();
    plan.tensors[t].storage = PlanTensor::Storage::output;
    claimed.insert(t);
    plan.outputs.push_back(t);
  }
}

// A view's storage is its root's (a root may have become an output late).
void propagate_storage(Plan& plan) {
  for (auto& t : plan.tensors) {
    int root = t.alias_of;
    while (root >= 0 && plan.tensors[root].alias_of >= 0) root = plan.tensors[root].alias_of;
    if (root >= 0) t.storage = plan.tensors[root].storage;
  }
}

}  // namespace

Plan lower_graph(const Graph& g, const WeightMap& weights, const Halide::Target& target,
                 const LowerOptions& options) {
  check_graph_buffer_sizes(g);
  // Loads the plugin now, so that a missing one fails before any compilation
  // (and before the compile workers are forked, which then share it).
  load_autoscheduler(options.scheduler);
  LoweringContext cx(g, weights, target, options.scheduler, options.conv_algorithm);
  lower_inputs(cx);
  plan_inplace_concats(cx);
  lower_nodes(cx);
  lower_outputs(cx);
  propagate_storage(cx.plan());
  reuse_residual_storage(cx.plan());
  plan_memory(cx.plan());
  check_plan_buffer_sizes(cx.plan());
  return std::move(cx.plan());
}

}  // namespace kiln::halide
