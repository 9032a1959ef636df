// State shared by the ONNX importer and its per-op converters: what each
// ONNX value name stands for, naming, weights, and the failure signals that
// let one import report every unsupported node at once.
#pragma once

#include <onnx/onnx_pb.h>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "frontend/onnx/onnx_attributes.h"
#include "ir/builder.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln::onnx_io {

// A node, attribute or dtype Kiln cannot represent. Converters throw it; the
// importer records it and carries on so that the final error lists them all.
struct Unsupported {
  std::string reason;
  // Set when the fault lies with another node (a Pad that cannot fold into
  // its consumer); empty means the node being converted.
  std::string op_type = {}, node_label = {};
};

// An operand comes from a node that was reported unsupported: the consumer
// is skipped without a report of its own.
struct Poisoned {};

// A constant-mode zero Pad, kept aside until a Conv or AveragePool folds it
// into its own padding (Kiln has no pad op).
struct PendingPad {
  Node* x = nullptr;
  std::vector<int64_t> pads;  // ONNX order: every dim's begin, then every dim's end
  std::string node_label;
};

class ImportContext {
 public:
  ImportContext(Graph& g, WeightMap& weights, int opset, const onnx::GraphProto& onnx_graph);

  Graph& graph() { return graph_; }
  GraphBuilder& builder() { return builder_; }
  int opset() const { return opset_; }

  // --- Defining ONNX values.
  void define(const std::string& onnx_name, Node* n);
  void define_constant(const std::string& onnx_name, const onnx::TensorProto* t);
  void define_pad(const std::string& onnx_name, PendingPad pad);
  void poison(const std::string& onnx_name);
  // `to` stands for whatever `from` stands for (Identity).
  void alias(const std::string& to, const std::string& from);
  // Keeps a converter-made TensorProto alive for the whole import.
  const onnx::TensorProto* keep(onnx::TensorProto t);

  // --- Reading operands.
  // Input i exists and is not the empty "absent optional input" name.
  static bool present(const onnx::NodeProto& n, int i);
  // The value as a graph node; a FLOAT constant becomes a `weight` node the
  // first time it is used this way.
  Node* tensor(const std::string& onnx_name);
  // The constant's data, or nullptr when the value is computed at run time.
  const onnx::TensorProto* constant(const std::string& onnx_name);
  // A FLOAT constant's data; Unsupported naming `role` when the value is
  // not constant.
  Tensor constant_float(const std::string& onnx_name, const std::string& role);
  // Like constant(), but nullptr (never an exception) for a value that is
  // not defined yet or poisoned: for looking ahead at later nodes.
  const onnx::TensorProto* peek_constant(const std::string& onnx_name) const;
  // The pending Pad behind the value, or nullptr.
  const PendingPad* pending_pad(const std::string& onnx_name);
  // The static shape of a runtime value or constant.
  std::vector<int64_t> dims(const std::string& onnx_name);

  // --- Naming and weights.
  // A fresh graph name based on the ONNX name (sanitised, uniquified).
  std::string fresh_name(const std::string& onnx_name) const;
  // A new `weight` node holding `t`, named after `base`.
  Node* add_weight(const std::string& base, Tensor t);

  // --- The ONNX graph around the current node.
  const std::vector<const onnx::NodeProto*>& consumers(const std::string& onnx_name) const;
  bool is_graph_output(const std::string& onnx_name) const;
  int use_count(const std::string& onnx_name) const;
  // Marks a later node as already converted by the current one (MatMul
  // absorbing the Add of its bias).
  void absorb(const onnx::NodeProto* n) { absorbed_.insert(n); }
  bool is_absorbed(const onnx::NodeProto* n) const { return absorbed_.count(n) != 0; }

 private:
  struct Value {
    Node* node = nullptr;
    const onnx::TensorProto* constant = nullptr;
    std::optional<PendingPad> pad = std::nullopt;
    bool poisoned = false;
  };
  const Value& lookup(const std::string& onnx_name) const;

  Graph& graph_;
  GraphBuilder builder_;
  WeightMap& weights_;
  int opset_;
  std::unordered_map<std::string, Value> values_;
  std::deque<onnx::TensorProto> kept_;
  std::unordered_map<std::string, std::vector<const onnx::NodeProto*>> consumers_;
  std::unordered_set<std::string> graph_outputs_;
  std::unordered_set<const onnx::NodeProto*> absorbed_;
};

// The name used for a node in messages: its ONNX name, else its first output.
std::string node_label(const onnx::NodeProto& n);

}  // namespace kiln::onnx_io
