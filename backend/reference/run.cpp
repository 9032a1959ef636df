// run: evaluates a whole graph in definition order, binding inputs and
// weights by name and dropping each intermediate after its last use.
#include <optional>
#include <unordered_map>

#include "backend/reference/interpreter.h"

namespace kiln::reference {

namespace {

[[noreturn]] void fail_at(const Node& n, const std::string& message) {
  throw Error(n.loc(), message);
}

// The caller's tensor for an input or weight node, checked against its
// declared type.
const Tensor& bind(const Node& n, const TensorMap& tensors, const char* what) {
  auto it = tensors.find(n.name());
  if (it == tensors.end())
    fail_at(n, std::string("missing ") + what + " %" + n.name() + ": expected " + n.type().str());
  const Tensor& t = it->second;
  if (t.type != n.type())
    fail_at(n, std::string(what) + " %" + n.name() + " is " + t.type.str() + ", expected " +
                   n.type().str());
  if (t.size() != t.type.num_elements())
    fail_at(n, std::string(what) + " %" + n.name() + " holds " + std::to_string(t.size()) +
                   " values, but " + t.type.str() + " needs " +
                   std::to_string(t.type.num_elements()));
  return t;
}

void reject_unknown_inputs(const Graph& g, const TensorMap& inputs) {
  for (const auto& [name, t] : inputs) {
    const Node* n = g.find(name);
    if (!n || !n->is("input"))
      throw Error("input %" + name + " (" + t.type.str() + ") is not an input of graph @" +
                  g.name());
  }
}

class Runner {
 public:
  Runner(const Graph& g, const WeightMap& weights, const TensorMap& inputs, RunOptions opts)
      : g_(g), weights_(weights), inputs_(inputs), opts_(opts), nodes_(g.nodes()) {
    for (size_t i = 0; i < nodes_.size(); ++i) index_[nodes_[i]] = i;
    owned_.resize(nodes_.size());
    value_.resize(nodes_.size(), nullptr);
    compute_last_uses();
  }

  TensorMap run() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      define(i);
      release_after(i);
    }
    return results();
  }

 private:
  // Graph outputs are used "after the end", so they are never released.
  void compute_last_uses() {
    last_use_.assign(nodes_.size(), -1);
    for (size_t i = 0; i < nodes_.size(); ++i)
      for (const Node* in : nodes_[i]->inputs()) {
        auto it = index_.find(in);
        if (it != index_.end()) last_use_[it->second] = static_cast<int64_t>(i);
      }
    for (const GraphOutput& o : g_.outputs()) {
      auto it = index_.find(o.value);
      if (it == index_.end())
        throw Error("graph output %" + o.value->name() + " is not in the graph");
      last_use_[it->second] = static_cast<int64_t>(nodes_.size());
    }
  }

  void define(size_t i) {
    const Node& n = *nodes_[i];
    if (n.is("input")) {
      value_[i] = &bind(n, inputs_, "input");
    } else if (n.is("weight")) {
      value_[i] = &bind(n, weights_, "weight");
    } else {
      owned_[i] = evaluate_node(n, operand_values(n));
      value_[i] = &*owned_[i];
    }
  }

  std::vector<const Tensor*> operand_values(const Node& n) const {
    std::vector<const Tensor*> values;
    for (const Node* in : n.inputs()) {
      auto it = index_.find(in);
      if (it == index_.end())
        fail_at(n, "%" + n.name() + " (" + n.op() + "): operand %" + in->name() +
                       " is not in the graph");
      if (!value_[it->second])
        fail_at(n, "%" + n.name() + " (" + n.op() + "): operand %" + in->name() +
                       " is used before its definition");
      values.push_back(value_[it->second]);
    }
    return values;
  }

  // Drops operands whose last user was node i, and node i itself when
  // nothing uses it.
  void release_after(size_t i) {
    if (opts_.keep_all) return;
    for (const Node* in : nodes_[i]->inputs()) {
      size_t j = index_.at(in);
      if (last_use_[j] == static_cast<int64_t>(i)) release(j);
    }
    if (last_use_[i] < 0) release(i);
  }

  void release(size_t j) {
    owned_[j].reset();
    value_[j] = nullptr;
  }

  TensorMap results() const {
    TensorMap out;
    if (opts_.keep_all) {
      for (size_t i = 0; i < nodes_.size(); ++i) out.emplace(nodes_[i]->name(), *value_[i]);
    } else {
      for (const GraphOutput& o : g_.outputs())
        out.emplace(o.value->name(), *value_[index_.at(o.value)]);
    }
    return out;
  }

  const Graph& g_;
  const WeightMap& weights_;
  const TensorMap& inputs_;
  RunOptions opts_;
  std::vector<Node*> nodes_;
  std::unordered_map<const Node*, size_t> index_;
  std::vector<int64_t> last_use_;             // index of the last user; -1 when unused
  std::vector<std::optional<Tensor>> owned_;  // values computed here
  std::vector<const Tensor*> value_;          // every live value, owned or the caller's
};

}  // namespace

TensorMap run(const Graph& g, const WeightMap& weights, const TensorMap& inputs,
              const RunOptions& opts) {
  reject_unknown_inputs(g, inputs);
  return Runner(g, weights, inputs, opts).run();
}

}  // namespace kiln::reference
