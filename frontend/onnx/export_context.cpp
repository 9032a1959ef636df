#include "frontend/onnx/export_context.h"

#include "frontend/onnx/onnx_tensor.h"

namespace kiln::onnx_io {

ExportContext::ExportContext(onnx::GraphProto& g, const Graph& source) : g_(g) {
  for (const Node* n : source.nodes()) used_.insert(n->name());
}

std::string ExportContext::helper_name(const std::string& base) {
  std::string name = base;
  for (int i = 1; used_.count(name); ++i) name = base + "." + std::to_string(i);
  used_.insert(name);
  return name;
}

onnx::NodeProto& ExportContext::add_node(const std::string& op_type,
                                         const std::vector<std::string>& inputs,
                                         const std::string& output) {
  onnx::NodeProto* n = g_.add_node();
  n->set_op_type(op_type);
  n->set_name(output);
  for (const auto& in : inputs) n->add_input(in);
  n->add_output(output);
  return *n;
}

std::string ExportContext::add_int64s(const std::string& base, const std::vector<int64_t>& values) {
  const std::string name = helper_name(base);
  *g_.add_initializer() = make_int64_proto(name, {static_cast<int64_t>(values.size())}, values);
  return name;
}

std::string ExportContext::add_float_scalar(const std::string& base, float value) {
  const std::string name = helper_name(base);
  *g_.add_initializer() =
      make_float_proto(name, Tensor(TensorType(std::vector<int64_t>{}), {value}));
  return name;
}

void set_attr(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void set_attr(onnx::NodeProto& n, const std::string& name, double v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(static_cast<float>(v));
}

void set_attr(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

}  // namespace kiln::onnx_io
