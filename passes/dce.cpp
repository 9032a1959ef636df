// dce: erases every node that no graph output depends on, weights included
// (their tensors leave the weight map with them). Graph inputs stay even when
// unused: they are the model's interface, and feeding a graph an input it
// does not declare is an error.
#include <unordered_set>

#include "passes/pass_list.h"
#include "passes/rewrite.h"

namespace kiln::passes {

namespace {

const char* const kName = "dce";

class DeadCodeElimination : public Pass {
 public:
  std::string name() const override { return kName; }
  std::string description() const override {
    return "remove nodes and weights that no graph output depends on";
  }

  void run(Graph& g, PassContext& ctx) override {
    std::unordered_set<const Node*> live = live_nodes(g);
    std::vector<Node*> nodes = g.nodes();
    // Users come after their operands, so walking backwards erases a node
    // only once nothing uses it.
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
      Node* n = *it;
      if (live.count(n) || n->is("input")) continue;
      ctx.remark(Remark::Kind::applied, kName, *n, "removed unused " + n->op() + " " + ref(*n));
      if (n->is("weight") && ctx.weights().erase(n->name())) ctx.count(kName, "tensors removed");
      g.erase(n);
      ctx.count(kName, "nodes removed");
    }
  }

 private:
  static std::unordered_set<const Node*> live_nodes(const Graph& g) {
    std::unordered_set<const Node*> live;
    std::vector<const Node*> work;
    for (const GraphOutput& o : g.outputs()) work.push_back(o.value);
    while (!work.empty()) {
      const Node* n = work.back();
      work.pop_back();
      if (!live.insert(n).second) continue;
      for (const Node* in : n->inputs()) work.push_back(in);
    }
    return live;
  }
};

}  // namespace

std::unique_ptr<Pass> make_dce() {
  return std::make_unique<DeadCodeElimination>();
}

}  // namespace kiln::passes
