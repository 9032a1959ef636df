// canonicalize: local simplifications that leave fewer, plainer nodes.
//  - A chain of reshape/flatten becomes one reshape of the chain's operand,
//    spelt with 0/-1 where that keeps it right at every batch size.
//  - Identities go: reshape/flatten that keep the shape (at every batch size,
//    see shape_probe.h) and concat of a single operand. Dropout is left to
//    strip-training, which owns the training/inference distinction.
//  - Nodes computed only from parameters are evaluated once with the
//    reference interpreter and become weights, when the result is no larger
//    than the operands it reads (a broadcast that would store a bigger tensor
//    than it computes from does not earn its place).
#include <algorithm>

#include "backend/reference/interpreter.h"
#include "passes/pass_list.h"
#include "passes/rewrite.h"
#include "passes/shape_probe.h"

namespace kiln::passes {

namespace {

const char* const kName = "canonicalize";

bool is_shape_op(const Node& n) {
  return n.is("reshape") || n.is("flatten");
}

ShapeStep step_of(const Node& n) {
  return {n.op(), n.attrs()};
}

ShapeStep reshape_to(std::vector<int64_t> shape) {
  AttrMap attrs;
  attrs.set("shape", Attr(std::move(shape)));
  return {"reshape", attrs};
}

// Spellings of a reshape from a chain's operand to `last`'s result, most
// readable first: the last step's own shape, then batch-relative forms, then
// one dimension inferred (-1) at each position, then the literal dims. The
// caller keeps the first that agrees with the chain at every batch size.
std::vector<std::vector<int64_t>> merged_shape_candidates(const Node& last) {
  std::vector<std::vector<int64_t>> out;
  if (last.is("reshape")) out.push_back(last.ints_attr("shape"));
  const auto& dims = last.type().dims;
  if (dims.size() == 2) out.push_back({0, -1});
  std::vector<int64_t> batch_relative = dims;
  batch_relative[0] = 0;
  out.push_back(batch_relative);
  for (size_t i = dims.size(); i-- > 0;) {
    std::vector<int64_t> inferred = dims;
    inferred[i] = -1;
    out.push_back(inferred);
  }
  out.push_back(dims);
  return out;
}

class Canonicalize : public Pass {
 public:
  std::string name() const override { return kName; }
  std::string description() const override {
    return "merge reshape chains, drop identities, fold parameter-only nodes";
  }

  void run(Graph& g, PassContext& ctx) override {
    // Each sweep tests a node when it reaches it, so a rewrite upstream (a
    // folded operand, a merged reshape) is seen by the nodes after it.
    for (const std::string& name : node_names(g))
      if (Node* n = g.find(name); n && is_shape_op(*n)) merge_shape_chain(g, ctx, n);
    for (const std::string& name : node_names(g))
      if (Node* n = g.find(name); n && is_identity_candidate(*n)) remove_identity(g, ctx, n);
    for (const std::string& name : node_names(g))
      if (Node* n = g.find(name); n && only_parameter_operands(*n)) fold_constant(g, ctx, n);
  }

 private:
  static std::vector<std::string> node_names(const Graph& g) {
    std::vector<std::string> out;
    for (const Node* n : g.nodes()) out.push_back(n->name());
    return out;
  }

  static bool is_identity_candidate(const Node& n) {
    return is_shape_op(n) || (n.is("concat") && n.num_inputs() == 1);
  }

  static bool only_parameter_operands(const Node& n) {
    if (n.def().is_source() || n.num_inputs() == 0) return false;
    for (const Node* in : n.inputs())
      if (!is_parameter(*in)) return false;
    return true;
  }

  static void merge_shape_chain(Graph& g, PassContext& ctx, Node* last) {
    Node* first = last->input(0);
    if (!is_shape_op(*first)) return;
    Node* source = first->input(0);
    const std::vector<ShapeStep> chain = {step_of(*first), step_of(*last)};
    for (const auto& shape : merged_shape_candidates(*last)) {
      if (!same_at_every_batch(chain, {reshape_to(shape)}, source->type())) continue;
      std::vector<Node*> replaced = {last};
      const bool first_dies = sole_use_problem(g, *first).empty();
      if (first_dies) replaced.insert(replaced.begin(), first);
      ctx.remark(Remark::Kind::applied, kName, *last,
                 "merged " + ref(*first) + " and " + ref(*last) + " into one reshape");
      AttrMap attrs;
      attrs.set("shape", Attr(shape));
      replace_chain(g, ctx, replaced, "reshape", {source}, attrs);
      ctx.count(kName, "reshapes merged");
      if (first_dies) ctx.count(kName, "nodes removed");
      return;
    }
    ctx.remark(Remark::Kind::missed, kName, *last,
               "kept " + ref(*first) + " and " + ref(*last) + ": no single reshape of " +
                   ref(*source) + " matches them at every batch size");
  }

  static void remove_identity(Graph& g, PassContext& ctx, Node* n) {
    if (n->type() != n->input(0)->type()) return;
    if (is_shape_op(*n) && !same_at_every_batch({step_of(*n)}, {}, n->input(0)->type())) {
      ctx.remark(Remark::Kind::missed, kName, *n,
                 "kept " + ref(*n) + ": it keeps the shape only at batch size " +
                     std::to_string(n->type().dim(0)));
      return;
    }
    if (std::string why = bypass_problem(g, *n); !why.empty()) {
      ctx.remark(Remark::Kind::missed, kName, *n, "kept " + ref(*n) + ": " + why);
      return;
    }
    ctx.remark(Remark::Kind::applied, kName, *n, "removed identity " + n->op() + " " + ref(*n));
    bypass_identity(g, n);
    ctx.count(kName, "identities removed");
    ctx.count(kName, "nodes removed");
  }

  static int64_t operand_elements(const Node& n) {
    int64_t total = 0;
    std::vector<const Node*> seen;
    for (const Node* in : n.inputs()) {
      if (std::find(seen.begin(), seen.end(), in) != seen.end()) continue;
      seen.push_back(in);
      total += in->type().num_elements();
    }
    return total;
  }

  static void fold_constant(Graph& g, PassContext& ctx, Node* n) {
    auto missed = [&](const std::string& why) {
      ctx.remark(Remark::Kind::missed, kName, *n, "kept " + ref(*n) + ": " + why);
    };
    if (ctx.shapes_only) return missed("its operands are parameters, but no weights are bound");
    const int64_t result = n->type().num_elements(), operands = operand_elements(*n);
    if (result > operands)
      return missed("folding would store " + std::to_string(result) + " elements, more than the " +
                    std::to_string(operands) + " its operands hold");
    std::vector<Tensor> scratch(n->num_inputs());
    std::vector<const Tensor*> values;
    for (size_t i = 0; i < n->num_inputs(); ++i)
      values.push_back(&parameter_value(ctx, kName, *n->input(i), scratch[i]));
    Tensor value = reference::evaluate_node(*n, values);
    const std::string name = n->name();
    ctx.remark(Remark::Kind::applied, kName, *n,
               "folded " + n->op() + " " + ref(*n) + " into a weight");
    std::vector<Node*> inputs = n->inputs();
    Node* w = g.insert_before(n, "weight", g.unique_name(name + ".folding"), {}, {}, n->type());
    w->set_loc(n->loc());
    g.replace_all_uses(n, w);
    g.erase(n);
    // A stale tensor of that name (the map may hold more than the graph
    // uses) must not be overwritten, so the weight is renamed instead.
    const std::string final_name = fresh_weight_name(g, ctx, name);
    g.rename(w, final_name);
    ctx.weights()[final_name] = std::move(value);
    ctx.count(kName, "nodes folded");
    ctx.count(kName, "nodes removed", erase_unused(g, ctx, inputs));
  }
};

}  // namespace

std::unique_ptr<Pass> make_canonicalize() {
  return std::make_unique<Canonicalize>();
}

}  // namespace kiln::passes
