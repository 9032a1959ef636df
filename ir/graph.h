// The graph IR: a list of nodes in definition order. Every node defines
// exactly one SSA value, named by the node (`%conv1`), so Node doubles as
// Value. Operands point at the nodes that define them.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/attribute.h"
#include "ir/error.h"
#include "ir/op_registry.h"
#include "ir/types.h"

namespace kiln {

class Graph;

class Node {
 public:
  const std::string& name() const { return name_; }
  const std::string& op() const { return def_->name; }
  const OpDef& def() const { return *def_; }
  bool is(std::string_view op_name) const { return def_->name == op_name; }

  const std::vector<Node*>& inputs() const { return inputs_; }
  Node* input(size_t i) const { return inputs_.at(i); }
  size_t num_inputs() const { return inputs_.size(); }
  void set_input(size_t i, Node* v) { inputs_.at(i) = v; }
  void add_input(Node* v) { inputs_.push_back(v); }
  void set_inputs(std::vector<Node*> v) { inputs_ = std::move(v); }

  const TensorType& type() const { return type_; }
  void set_type(TensorType t) { type_ = std::move(t); }

  const AttrMap& attrs() const { return attrs_; }
  AttrMap& attrs() { return attrs_; }
  // Attribute value or the schema default; throws kiln::Error when neither
  // exists or the kind differs.
  const Attr& attr(std::string_view name) const;
  int64_t int_attr(std::string_view name) const { return attr(name).as_int(); }
  double float_attr(std::string_view name) const { return attr(name).as_float(); }
  const std::vector<int64_t>& ints_attr(std::string_view name) const {
    return attr(name).as_ints();
  }
  const std::vector<double>& floats_attr(std::string_view name) const {
    return attr(name).as_floats();
  }
  const std::string& string_attr(std::string_view name) const { return attr(name).as_string(); }
  bool bool_attr(std::string_view name) const { return attr(name).as_bool(); }
  void set_attr(const std::string& name, Attr v) { attrs_.set(name, std::move(v)); }

  const SourceLoc& loc() const { return loc_; }
  void set_loc(SourceLoc l) { loc_ = std::move(l); }

  // The source layers this node computes after fusion, in graph order
  // ({"conv1", "bn1", "relu1"}), so that per-kernel timings can name every
  // layer a kernel covers; empty for a node that is its own single layer.
  // Kept in memory only; the text form does not carry it.
  const std::vector<std::string>& origins() const { return origins_; }
  void set_origins(std::vector<std::string> o) { origins_ = std::move(o); }

  // "%name (conv2d) at file:line:col" for messages.
  std::string describe() const;

 private:
  friend class Graph;
  Node(std::string name, const OpDef* def) : name_(std::move(name)), def_(def) {}

  std::string name_;
  const OpDef* def_;
  std::vector<Node*> inputs_;
  AttrMap attrs_;
  TensorType type_;
  SourceLoc loc_;
  std::vector<std::string> origins_;
};

enum class OutputRole { main, aux };
const char* output_role_name(OutputRole r);

struct GraphOutput {
  Node* value;
  OutputRole role = OutputRole::main;
  SourceLoc loc;
};

class Graph {
 public:
  explicit Graph(std::string name = "model") : name_(std::move(name)) {}
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  // Where the text form's `graph @name` header is, for graph-wide errors.
  const SourceLoc& loc() const { return loc_; }
  void set_loc(SourceLoc l) { loc_ = std::move(l); }

  // Nodes in definition order.
  std::vector<Node*> nodes() const;
  size_t size() const { return nodes_.size(); }
  Node* find(std::string_view name) const;

  // Appends a node. Throws kiln::Error on an unknown op or a duplicate name.
  Node* add_node(const std::string& op, const std::string& name, std::vector<Node*> inputs = {},
                 AttrMap attrs = {}, TensorType type = {}, SourceLoc loc = {});
  // Inserts a node directly before `pos`.
  Node* insert_before(Node* pos, const std::string& op, const std::string& name,
                      std::vector<Node*> inputs = {}, AttrMap attrs = {}, TensorType type = {});
  // Removes a node; it must have no users and not be a graph output.
  void erase(Node* n);
  // Renames a node; throws on a clash.
  void rename(Node* n, const std::string& new_name);
  // A name not yet used, based on `base` ("conv1", "conv1.1", ...).
  std::string unique_name(const std::string& base) const;

  // Every operand and graph output that refers to `from` now refers to `to`.
  void replace_all_uses(Node* from, Node* to);
  // Nodes that use `n` as an operand, in definition order (with repeats
  // removed).
  std::vector<Node*> users(const Node* n) const;
  // Number of operand slots plus graph outputs that refer to `n`.
  int use_count(const Node* n) const;
  bool is_output(const Node* n) const;

  const std::vector<GraphOutput>& outputs() const { return outputs_; }
  std::vector<GraphOutput>& outputs() { return outputs_; }
  void add_output(Node* v, OutputRole role = OutputRole::main, SourceLoc loc = {});

  std::vector<Node*> inputs() const;   // nodes with op "input", in order
  std::vector<Node*> weights() const;  // nodes with op "weight", in order

  // Re-runs shape inference on every non-source node in order, setting its
  // type. Throws kiln::Error naming the node on failure.
  void infer_shapes();
  // Sets the batch dimension of every input and re-infers all shapes.
  void set_batch(int64_t n);

  std::unique_ptr<Graph> clone() const;

 private:
  std::string name_;
  SourceLoc loc_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unordered_map<std::string, Node*> by_name_;
  std::vector<GraphOutput> outputs_;
};

}  // namespace kiln
