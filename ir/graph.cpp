#include "ir/graph.h"

#include <algorithm>

namespace kiln {

const Attr& Node::attr(std::string_view name) const {
  const AttrSpec* spec = def_->find_attr(name);
  if (const Attr* a = attrs_.find(name)) {
    if (spec && a->kind() != spec->kind)
      throw Error(loc_, "%" + name_ + ": attribute '" + std::string(name) + "' must be " +
                            attr_kind_name(spec->kind) + ", got " + attr_kind_name(a->kind()));
    return *a;
  }
  if (spec && spec->default_value) return *spec->default_value;
  throw Error(loc_, "%" + name_ + ": " + op() + " needs attribute '" + std::string(name) + "'");
}

std::string Node::describe() const {
  std::string s = "%" + name_ + " (" + op() + ")";
  if (loc_.valid()) s += " at " + loc_.str();
  return s;
}

const char* output_role_name(OutputRole r) {
  return r == OutputRole::aux ? "aux" : "main";
}

std::vector<Node*> Graph::nodes() const {
  std::vector<Node*> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(n.get());
  return out;
}

Node* Graph::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

Node* Graph::add_node(const std::string& op, const std::string& name, std::vector<Node*> inputs,
                      AttrMap attrs, TensorType type, SourceLoc loc) {
  const OpDef* def = find_op(op);
  if (!def) throw Error(loc, "unknown op '" + op + "'");
  if (name.empty()) throw Error(loc, "a value needs a name");
  if (by_name_.count(name)) throw Error(loc, "duplicate value name %" + name);
  std::unique_ptr<Node> node(new Node(name, def));
  node->inputs_ = std::move(inputs);
  node->attrs_ = std::move(attrs);
  node->type_ = std::move(type);
  node->loc_ = std::move(loc);
  Node* raw = node.get();
  by_name_[name] = raw;
  nodes_.push_back(std::move(node));
  return raw;
}

Node* Graph::insert_before(Node* pos, const std::string& op, const std::string& name,
                           std::vector<Node*> inputs, AttrMap attrs, TensorType type) {
  Node* raw = add_node(op, name, std::move(inputs), std::move(attrs), std::move(type));
  auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](auto& p) { return p.get() == pos; });
  if (it == nodes_.end()) throw Error("insert_before: %" + pos->name() + " is not in the graph");
  std::unique_ptr<Node> moved = std::move(nodes_.back());
  nodes_.pop_back();
  nodes_.insert(it, std::move(moved));
  return raw;
}

void Graph::erase(Node* n) {
  if (use_count(n) != 0)
    throw Error("cannot erase %" + n->name() + ": it still has " + std::to_string(use_count(n)) +
                " uses");
  auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](auto& p) { return p.get() == n; });
  if (it == nodes_.end()) throw Error("erase: %" + n->name() + " is not in the graph");
  by_name_.erase(n->name());
  nodes_.erase(it);
}

void Graph::rename(Node* n, const std::string& new_name) {
  if (new_name == n->name()) return;
  if (by_name_.count(new_name))
    throw Error("cannot rename %" + n->name() + ": %" + new_name + " exists");
  by_name_.erase(n->name());
  n->name_ = new_name;
  by_name_[new_name] = n;
}

std::string Graph::unique_name(const std::string& base) const {
  if (!by_name_.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "." + std::to_string(i);
    if (!by_name_.count(candidate)) return candidate;
  }
}

void Graph::replace_all_uses(Node* from, Node* to) {
  for (auto& n : nodes_)
    for (auto& in : n->inputs_)
      if (in == from) in = to;
  for (auto& o : outputs_)
    if (o.value == from) o.value = to;
}

std::vector<Node*> Graph::users(const Node* v) const {
  std::vector<Node*> out;
  for (const auto& n : nodes_)
    if (std::find(n->inputs_.begin(), n->inputs_.end(), v) != n->inputs_.end())
      out.push_back(n.get());
  return out;
}

int Graph::use_count(const Node* v) const {
  int count = 0;
  for (const auto& n : nodes_)
    count += static_cast<int>(std::count(n->inputs_.begin(), n->inputs_.end(), v));
  for (const auto& o : outputs_) count += o.value == v;
  return count;
}

bool Graph::is_output(const Node* v) const {
  return std::any_of(outputs_.begin(), outputs_.end(), [&](auto& o) { return o.value == v; });
}

void Graph::add_output(Node* v, OutputRole role, SourceLoc loc) {
  outputs_.push_back({v, role, std::move(loc)});
}

std::vector<Node*> Graph::inputs() const {
  std::vector<Node*> out;
  for (const auto& n : nodes_)
    if (n->is("input")) out.push_back(n.get());
  return out;
}

std::vector<Node*> Graph::weights() const {
  std::vector<Node*> out;
  for (const auto& n : nodes_)
    if (n->is("weight")) out.push_back(n.get());
  return out;
}

void Graph::infer_shapes() {
  for (auto& n : nodes_) {
    if (n->def().is_source()) continue;
    const OpDef& def = n->def();
    int count = static_cast<int>(n->num_inputs());
    if (count < def.min_inputs || (def.max_inputs() >= 0 && count > def.max_inputs()))
      throw Error(n->loc(), "%" + n->name() + " (" + n->op() + "): wrong number of operands (" +
                                std::to_string(count) + ")");
    try {
      n->type_ = def.infer(*n);
    } catch (const Error& e) {
      if (e.loc().valid()) throw;
      throw Error(n->loc(), "%" + n->name() + " (" + n->op() + "): " + e.what());
    }
  }
}

void Graph::set_batch(int64_t batch) {
  if (batch < 1) throw Error("batch size must be at least 1, got " + std::to_string(batch));
  for (auto& n : nodes_) {
    if (!n->is("input")) continue;
    if (n->type_.rank() == 0)
      throw Error(n->loc(), "%" + n->name() + ": a scalar input has no batch dimension");
    n->type_.dims[0] = batch;
  }
  infer_shapes();
}

std::unique_ptr<Graph> Graph::clone() const {
  auto g = std::make_unique<Graph>(name_);
  g->loc_ = loc_;
  std::unordered_map<const Node*, Node*> map;
  for (const auto& n : nodes_) {
    Node* c = g->add_node(n->op(), n->name(), {}, n->attrs_, n->type_, n->loc_);
    c->origins_ = n->origins_;
    map[n.get()] = c;
  }
  for (const auto& n : nodes_) {
    Node* c = map.at(n.get());
    for (Node* in : n->inputs_) {
      auto it = map.find(in);
      // A dangling operand (not in this graph) stays as it is so that the
      // verifier still reports it on the clone.
      c->inputs_.push_back(it == map.end() ? in : it->second);
    }
  }
  for (const auto& o : outputs_) {
    auto it = map.find(o.value);
    g->outputs_.push_back({it == map.end() ? o.value : it->second, o.role, o.loc});
  }
  return g;
}

}  // namespace kiln
