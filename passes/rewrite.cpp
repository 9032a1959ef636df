#include "passes/rewrite.h"

#include <algorithm>

namespace kiln::passes {

std::string ref(const Node& n) {
  return "%" + n.name();
}

std::vector<std::string> names_with_op(const Graph& g, const std::string& op) {
  std::vector<std::string> out;
  for (const Node* n : g.nodes())
    if (n->is(op)) out.push_back(n->name());
  return out;
}

std::string sole_use_problem(const Graph& g, const Node& n) {
  if (g.is_output(&n)) return ref(n) + " is a graph output";
  int uses = g.use_count(&n);
  if (uses == 1) return "";
  return ref(n) + " has " + std::to_string(uses) + (uses == 1 ? " user" : " users");
}

bool is_parameter(const Node& n) {
  return n.is("weight") || n.is("constant");
}

const Tensor& parameter_value(const PassContext& ctx, const std::string& pass, const Node& n,
                              Tensor& scratch) {
  if (n.is("constant")) {
    const auto& values = n.floats_attr("value");
    scratch = Tensor(n.type(), std::vector<float>(values.begin(), values.end()));
    return scratch;
  }
  auto it = ctx.weights().find(n.name());
  if (it == ctx.weights().end())
    throw Error(n.loc(), pass + ": weight " + ref(n) + " has no tensor in the weight map");
  if (it->second.type != n.type() || it->second.size() != n.type().num_elements())
    throw Error(n.loc(), pass + ": weight " + ref(n) + " is " + it->second.type.str() +
                             " in the weight map, but the graph declares " + n.type().str());
  return it->second;
}

std::string fresh_weight_name(const Graph& g, const PassContext& ctx, const std::string& base) {
  auto taken = [&](const std::string& s) { return g.find(s) || ctx.weights().count(s); };
  if (!taken(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "." + std::to_string(i);
    if (!taken(candidate)) return candidate;
  }
}

Node* add_weight(Graph& g, PassContext& ctx, Node* pos, const std::string& base, Tensor value) {
  std::string name = fresh_weight_name(g, ctx, base);
  Node* w = g.insert_before(pos, "weight", name, {}, {}, value.type);
  if (!ctx.shapes_only) ctx.weights()[name] = std::move(value);
  return w;
}

int erase_if_unused(Graph& g, PassContext& ctx, Node* n) {
  if (n->is("input") || g.use_count(n) != 0) return 0;
  std::vector<Node*> operands = n->inputs();
  if (n->is("weight")) ctx.weights().erase(n->name());
  g.erase(n);
  return 1 + erase_unused(g, ctx, std::move(operands));
}

int erase_unused(Graph& g, PassContext& ctx, std::vector<Node*> candidates) {
  // Erasing one candidate may erase another (listed twice, or an operand of
  // it), so each is looked up again by name before its turn.
  std::vector<std::string> names;
  for (const Node* n : candidates) names.push_back(n->name());
  int erased = 0;
  for (const std::string& name : names)
    if (Node* n = g.find(name)) erased += erase_if_unused(g, ctx, n);
  return erased;
}

Node* replace_chain(Graph& g, PassContext& ctx, const std::vector<Node*>& chain,
                    const std::string& op, std::vector<Node*> inputs, AttrMap attrs) {
  Node* last = chain.back();
  const std::string name = last->name();
  Node* fused = g.insert_before(last, op, g.unique_name(name + ".fused"), std::move(inputs),
                                std::move(attrs), last->type());
  fused->set_loc(chain.front()->loc());
  g.replace_all_uses(last, fused);
  std::vector<std::string> covered;
  for (const Node* n : chain) {
    if (n->origins().empty()) covered.push_back(n->name());
    covered.insert(covered.end(), n->origins().begin(), n->origins().end());
  }
  fused->set_origins(std::move(covered));
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) g.erase(*it);
  g.rename(fused, name);
  return fused;
}

std::string bypass_problem(const Graph& g, const Node& n) {
  const Node& source = *n.input(0);
  if (g.is_output(&n) && g.is_output(&source))
    return "it is a graph output and so is its operand " + ref(source);
  return "";
}

void bypass_identity(Graph& g, Node* n) {
  g.replace_all_uses(n, n->input(0));
  g.erase(n);
}

}  // namespace kiln::passes
