// strip-training: drops what only training needs. Auxiliary outputs (role
// aux, e.g. GoogLeNet's side classifiers) go unless ctx.keep_outputs names
// them, with every node only they used; every dropout is bypassed, since it
// is the identity at inference.
#include <algorithm>
#include <unordered_set>

#include "passes/pass_list.h"
#include "passes/rewrite.h"

namespace kiln::passes {

namespace {

const char* const kName = "strip-training";

std::unordered_set<const Node*> cone_of(const std::vector<const Node*>& roots) {
  std::unordered_set<const Node*> seen;
  std::vector<const Node*> work = roots;
  while (!work.empty()) {
    const Node* n = work.back();
    work.pop_back();
    if (!seen.insert(n).second) continue;
    for (const Node* in : n->inputs()) work.push_back(in);
  }
  return seen;
}

class StripTraining : public Pass {
 public:
  std::string name() const override { return kName; }
  std::string description() const override {
    return "remove auxiliary (training-only) outputs and their heads, and bypass dropout";
  }

  void run(Graph& g, PassContext& ctx) override {
    check_keep_outputs(g, ctx);
    remove_aux_outputs(g, ctx);
    for (const std::string& name : names_with_op(g, "dropout"))
      bypass_dropout(g, ctx, g.find(name));
  }

 private:
  static void check_keep_outputs(const Graph& g, const PassContext& ctx) {
    for (const std::string& name : ctx.keep_outputs) {
      bool found = std::any_of(g.outputs().begin(), g.outputs().end(),
                               [&](const GraphOutput& o) { return o.value->name() == name; });
      if (found) continue;
      std::string known;
      for (const GraphOutput& o : g.outputs())
        known += (known.empty() ? "%" : ", %") + o.value->name();
      throw Error(std::string(kName) + ": cannot keep output %" + name +
                  ": it is not a graph output (outputs: " + known + ")");
    }
  }

  bool kept(const PassContext& ctx, const GraphOutput& o) const {
    return o.role != OutputRole::aux ||
           std::count(ctx.keep_outputs.begin(), ctx.keep_outputs.end(), o.value->name());
  }

  void remove_aux_outputs(Graph& g, PassContext& ctx) {
    std::vector<const Node*> dropped, remaining;
    std::vector<GraphOutput> outputs;
    for (const GraphOutput& o : g.outputs()) {
      if (kept(ctx, o)) {
        outputs.push_back(o);
        remaining.push_back(o.value);
        continue;
      }
      dropped.push_back(o.value);
      ctx.remark(Remark::Kind::applied, kName, *o.value, "removed aux output " + ref(*o.value));
      ctx.count(kName, "outputs removed");
    }
    if (dropped.empty()) return;
    g.outputs() = outputs;
    // Only what the dropped outputs alone used goes; other dead code is dce's.
    std::unordered_set<const Node*> dead = cone_of(dropped), live = cone_of(remaining);
    std::vector<Node*> nodes = g.nodes();
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
      Node* n = *it;
      // A user outside both cones is other dead code: dce's to remove.
      if (!dead.count(n) || live.count(n) || n->is("input") || g.use_count(n)) continue;
      if (n->is("weight")) ctx.weights().erase(n->name());
      g.erase(n);
      ctx.count(kName, "nodes removed");
    }
  }

  void bypass_dropout(Graph& g, PassContext& ctx, Node* n) {
    if (std::string why = bypass_problem(g, *n); !why.empty()) {
      ctx.remark(Remark::Kind::missed, kName, *n, "kept " + ref(*n) + ": " + why);
      return;
    }
    std::string note = g.is_output(n) ? "; the graph output is now " + ref(*n->input(0)) : "";
    ctx.remark(Remark::Kind::applied, kName, *n, "removed dropout " + ref(*n) + note);
    ctx.count(kName, "dropouts removed");
    bypass_identity(g, n);
  }
};

}  // namespace

std::unique_ptr<Pass> make_strip_training() {
  return std::make_unique<StripTraining>();
}

}  // namespace kiln::passes
