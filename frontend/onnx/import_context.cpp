#include "frontend/onnx/import_context.h"

#include "frontend/onnx/onnx_names.h"
#include "frontend/onnx/onnx_tensor.h"

namespace kiln::onnx_io {

std::string node_label(const onnx::NodeProto& n) {
  if (!n.name().empty()) return n.name();
  return n.output_size() > 0 ? n.output(0) : std::string("<unnamed>");
}

ImportContext::ImportContext(Graph& g, WeightMap& weights, int opset,
                             const onnx::GraphProto& onnx_graph)
    : graph_(g), builder_(g), weights_(weights), opset_(opset) {
  for (const auto& n : onnx_graph.node())
    for (const auto& in : n.input())
      if (!in.empty()) {
        auto& list = consumers_[in];
        if (list.empty() || list.back() != &n) list.push_back(&n);
      }
  for (const auto& o : onnx_graph.output()) graph_outputs_.insert(o.name());
}

void ImportContext::define(const std::string& onnx_name, Node* n) {
  values_[onnx_name] = Value{.node = n};
}

void ImportContext::define_constant(const std::string& onnx_name, const onnx::TensorProto* t) {
  values_[onnx_name] = Value{.constant = t};
}

void ImportContext::define_pad(const std::string& onnx_name, PendingPad pad) {
  values_[onnx_name] = Value{.pad = std::move(pad)};
}

void ImportContext::poison(const std::string& onnx_name) {
  values_[onnx_name] = Value{.poisoned = true};
}

void ImportContext::alias(const std::string& to, const std::string& from) {
  Value v = lookup(from);
  values_[to] = std::move(v);
}

const onnx::TensorProto* ImportContext::keep(onnx::TensorProto t) {
  kept_.push_back(std::move(t));
  return &kept_.back();
}

bool ImportContext::present(const onnx::NodeProto& n, int i) {
  return i < n.input_size() && !n.input(i).empty();
}

const ImportContext::Value& ImportContext::lookup(const std::string& onnx_name) const {
  auto it = values_.find(onnx_name);
  if (it == values_.end())
    throw Error("value '" + onnx_name + "' is used before it is defined (or never defined)");
  if (it->second.poisoned) throw Poisoned{};
  return it->second;
}

Node* ImportContext::tensor(const std::string& onnx_name) {
  const Value& v = lookup(onnx_name);
  if (v.node) return v.node;
  if (v.pad)
    throw Unsupported{
        "its output feeds a node that cannot absorb the padding (only Conv and "
        "AveragePool can)",
        "Pad", v.pad->node_label};
  if (v.constant->data_type() != onnx::TensorProto::FLOAT)
    throw Unsupported{"constant '" + onnx_name + "' is " + dtype_name(v.constant->data_type()) +
                      " (Kiln computes in f32)"};
  Node* w = add_weight(onnx_name, float_tensor(*v.constant));
  // Later uses share the weight.
  values_[onnx_name].node = w;
  return w;
}

const onnx::TensorProto* ImportContext::constant(const std::string& onnx_name) {
  return lookup(onnx_name).constant;
}

Tensor ImportContext::constant_float(const std::string& onnx_name, const std::string& role) {
  const onnx::TensorProto* t = constant(onnx_name);
  if (!t)
    throw Unsupported{role + " '" + onnx_name + "' is computed at run time; Kiln needs a constant"};
  if (t->data_type() != onnx::TensorProto::FLOAT)
    throw Unsupported{role + " '" + onnx_name + "' is " + dtype_name(t->data_type())};
  return float_tensor(*t);
}

const onnx::TensorProto* ImportContext::peek_constant(const std::string& onnx_name) const {
  auto it = values_.find(onnx_name);
  if (it == values_.end() || it->second.poisoned) return nullptr;
  return it->second.constant;
}

const PendingPad* ImportContext::pending_pad(const std::string& onnx_name) {
  const Value& v = lookup(onnx_name);
  return v.pad ? &*v.pad : nullptr;
}

std::vector<int64_t> ImportContext::dims(const std::string& onnx_name) {
  const Value& v = lookup(onnx_name);
  if (v.node) return v.node->type().dims;
  if (v.pad) return v.pad->x->type().dims;
  return dims_of(*v.constant);
}

std::string ImportContext::fresh_name(const std::string& onnx_name) const {
  return graph_.unique_name(sanitize_name(onnx_name));
}

Node* ImportContext::add_weight(const std::string& base, Tensor t) {
  const std::string name = fresh_name(base);
  Node* w = builder_.weight(name, t.type.dims);
  weights_[name] = std::move(t);
  return w;
}

const std::vector<const onnx::NodeProto*>& ImportContext::consumers(
    const std::string& onnx_name) const {
  static const std::vector<const onnx::NodeProto*> none;
  auto it = consumers_.find(onnx_name);
  return it == consumers_.end() ? none : it->second;
}

bool ImportContext::is_graph_output(const std::string& onnx_name) const {
  return graph_outputs_.count(onnx_name) != 0;
}

int ImportContext::use_count(const std::string& onnx_name) const {
  return static_cast<int>(consumers(onnx_name).size()) + (is_graph_output(onnx_name) ? 1 : 0);
}

}  // namespace kiln::onnx_io
