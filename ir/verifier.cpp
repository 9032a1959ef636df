#include "ir/verifier.h"

#include <unordered_map>
#include <unordered_set>

namespace kiln {

std::string Diagnostic::str() const {
  std::string s;
  if (loc.valid()) s += loc.str() + ": error: ";
  if (!node.empty()) s += "%" + node + ": ";
  return s + message;
}

namespace {

class Verifier {
 public:
  explicit Verifier(const Graph& g) : g_(g) {}

  std::vector<Diagnostic> run() {
    auto nodes = g_.nodes();
    for (size_t i = 0; i < nodes.size(); ++i) index_[nodes[i]] = i;
    std::unordered_set<const Node*> in_cycle = find_cycles(nodes);
    for (const Node* n : nodes) {
      if (in_cycle.count(n)) continue;
      if (check_operands(*n) && check_attrs(*n)) check_type(*n);
    }
    check_outputs();
    return std::move(diags_);
  }

 private:
  // A node of the depth-first cycle search and the next operand to follow.
  struct Frame {
    const Node* node;
    size_t next_input = 0;
  };

  void report(const Node& n, std::string message) {
    report_graph(n.loc(), n.name(), std::move(message));
  }
  void report_graph(const SourceLoc& loc, const std::string& node, std::string message) {
    Diagnostic d;
    d.loc = loc;
    d.node = node;
    d.message = std::move(message);
    diags_.push_back(std::move(d));
  }

  // Reports each cycle once, naming its values in order. Iterative (an
  // explicit stack): recursion overflowed the call stack on long cycles.
  std::unordered_set<const Node*> find_cycles(const std::vector<Node*>& nodes) {
    enum State { kNew, kActive, kDone };
    std::unordered_map<const Node*, State> state;
    std::unordered_map<const Node*, size_t> depth;  // of the active nodes, in `stack`
    std::vector<Frame> stack;
    std::unordered_set<const Node*> cyclic;
    auto push = [&](const Node* n) {
      state[n] = kActive;
      depth[n] = stack.size();
      stack.push_back({n});
    };
    for (const Node* root : nodes) {
      if (state[root] != kNew) continue;
      push(root);
      while (!stack.empty()) {
        Frame& top = stack.back();
        if (top.next_input == top.node->inputs().size()) {
          state[top.node] = kDone;
          stack.pop_back();
          continue;
        }
        const Node* in = top.node->inputs()[top.next_input++];
        if (!index_.count(in)) continue;
        if (state[in] == kActive)
          report_cycle(stack, depth.at(in), cyclic);
        else if (state[in] == kNew)
          push(in);
      }
    }
    return cyclic;
  }

  // The cycle is stack[from..]: each entry's operand is the next one, and
  // the last entry's is stack[from] again.
  void report_cycle(const std::vector<Frame>& stack, size_t from,
                    std::unordered_set<const Node*>& cyclic) {
    std::vector<const Node*> cycle;
    for (size_t i = from; i < stack.size(); ++i) {
      cycle.push_back(stack[i].node);
      cyclic.insert(stack[i].node);
    }
    report(*cycle.front(), "cycle: " + cycle_path(cycle));
  }

  // "%a -> %b -> %a". A long cycle keeps only its first and last few names:
  // listed in full, a 10000-node cycle made a 100 KB message.
  static std::string cycle_path(const std::vector<const Node*>& cycle) {
    constexpr size_t kEnds = 5;
    std::string path;
    for (size_t i = 0; i < cycle.size(); ++i) {
      if (i == kEnds && cycle.size() > 2 * kEnds + 1) {
        path += "... " + std::to_string(cycle.size() - 2 * kEnds) + " more ... -> ";
        i = cycle.size() - kEnds - 1;
        continue;
      }
      path += "%" + cycle[i]->name() + " -> ";
    }
    return path + "%" + cycle.front()->name();
  }

  bool check_operands(const Node& n) {
    const OpDef& def = n.def();
    int count = static_cast<int>(n.num_inputs());
    if (count < def.min_inputs || (def.max_inputs() >= 0 && count > def.max_inputs())) {
      std::string expected =
          def.max_inputs() < 0 ? "at least " + std::to_string(def.min_inputs)
          : def.min_inputs == def.max_inputs()
              ? std::to_string(def.min_inputs)
              : std::to_string(def.min_inputs) + " to " + std::to_string(def.max_inputs());
      report(n, n.op() + " takes " + expected + (expected == "1" ? " operand" : " operands") +
                    ", got " + std::to_string(count));
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n.num_inputs(); ++i) {
      const Node* in = n.input(i);
      auto it = in ? index_.find(in) : index_.end();
      if (it == index_.end()) {
        report(n, n.def().operand_name(i) + " refers to a value that is not in the graph" +
                      (in ? " (%" + in->name() + ")" : ""));
        ok = false;
      } else if (it->second >= index_.at(&n)) {
        report(n, "%" + in->name() + " is used before it is defined");
        ok = false;
      }
    }
    return ok;
  }

  bool check_attrs(const Node& n) {
    bool ok = true;
    for (const auto& [name, value] : n.attrs().entries()) {
      const AttrSpec* spec = n.def().find_attr(name);
      if (!spec) {
        std::string known;
        for (const auto& a : n.def().attrs) known += (known.empty() ? "" : ", ") + a.name;
        report(n, n.op() + " has no attribute '" + name + "'" +
                      (known.empty() ? "" : " (it has: " + known + ")"));
        ok = false;
      } else if (spec->kind != value.kind()) {
        report(n, "attribute '" + name + "' must be " + attr_kind_name(spec->kind) + ", got " +
                      attr_kind_name(value.kind()) + " " + value.str());
        ok = false;
      }
    }
    for (const auto& spec : n.def().attrs) {
      if (spec.required() && !n.attrs().has(spec.name)) {
        report(n,
               n.op() + " needs attribute '" + spec.name + "' (" + attr_kind_name(spec.kind) + ")");
        ok = false;
      }
    }
    return ok;
  }

  void check_type(const Node& n) {
    for (const Node* in : n.inputs())
      if (bad_.count(in)) return;  // already reported upstream
    try {
      if (n.def().is_source()) {
        if (n.type().rank() == 0) throw Error(n.op() + " needs a declared type");
        for (int64_t d : n.type().dims)
          if (d < 1) throw Error("type " + n.type().str() + " has a dimension < 1");
      }
      if (n.def().check) n.def().check(n);
      TensorType inferred = n.def().infer(n);
      if (inferred != n.type())
        throw Error("declared type " + n.type().str() + " but " + n.op() + " gives " +
                    inferred.str());
    } catch (const Error& e) {
      report(n, e.what());
      bad_.insert(&n);
    }
  }

  void check_outputs() {
    if (g_.outputs().empty()) report_graph(g_.loc(), "", "graph @" + g_.name() + " has no outputs");
    std::unordered_set<const Node*> seen;
    for (const auto& o : g_.outputs()) {
      if (!o.value || !index_.count(o.value)) {
        report_graph(o.loc, "", "output refers to a value that is not in the graph");
      } else if (!seen.insert(o.value).second) {
        report_graph(o.loc, o.value->name(), "is listed as an output twice");
      }
    }
  }

  const Graph& g_;
  std::unordered_map<const Node*, size_t> index_;
  std::unordered_set<const Node*> bad_;
  std::vector<Diagnostic> diags_;
};

}  // namespace

std::vector<Diagnostic> verify_graph(const Graph& g) {
  return Verifier(g).run();
}

void verify_or_throw(const Graph& g) {
  auto diags = verify_graph(g);
  if (diags.empty()) return;
  // The first diagnostic carries the location; the rest follow on their own lines.
  std::string message = diags[0].str();
  for (size_t i = 1; i < diags.size(); ++i) message.append("\n").append(diags[i].str());
  throw Error::preformatted(diags[0].loc, message);
}

}  // namespace kiln
