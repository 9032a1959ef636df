#include "frontend/onnx/onnx_exporter.h"

#include <onnx/onnx_pb.h>

#include <map>

#include "frontend/onnx/export_context.h"
#include "frontend/onnx/onnx_names.h"
#include "frontend/onnx/onnx_proto_io.h"
#include "frontend/onnx/onnx_tensor.h"

namespace kiln {

namespace onnx_io {
namespace {

constexpr int64_t kOpset = 13;
// IR version 7 is the one that introduced opset 13: the oldest readers
// that can run the ops also accept the file.
constexpr int64_t kIrVersion = 7;

void set_tensor_type(onnx::ValueInfoProto& v, const std::string& name, const TensorType& t) {
  v.set_name(name);
  auto* tt = v.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = tt->mutable_shape();
  for (int64_t d : t.dims) shape->add_dim()->set_dim_value(d);
}

// Problems gathered over the whole graph, reported together.
struct Problems {
  std::map<std::string, std::vector<std::string>> unsupported;  // op -> nodes
  std::vector<std::string> weights;

  std::string message() const {
    std::string s;
    for (const auto& [op, nodes] : unsupported) {
      s += s.empty() ? "no ONNX mapping for Kiln ops: " : ", ";
      s += op + " (";
      for (size_t i = 0; i < nodes.size(); ++i) s += (i ? ", %" : "%") + nodes[i];
      s += ")";
    }
    for (const auto& w : weights) s += (s.empty() ? "" : "; ") + w;
    return s;
  }
};

void add_weight(onnx::GraphProto& g, const Node& n, const WeightMap& weights, Problems& problems) {
  auto it = weights.find(n.name());
  if (it == weights.end()) {
    problems.weights.push_back("weight %" + n.name() + " is missing");
  } else if (it->second.type != n.type() || it->second.size() != n.type().num_elements()) {
    problems.weights.push_back("weight %" + n.name() + " is " + it->second.type.str() +
                               ", the graph needs " + n.type().str());
  } else {
    *g.add_initializer() = make_float_proto(n.name(), it->second);
  }
}

void add_constant(ExportContext& ctx, const Node& n) {
  const auto& values = n.floats_attr("value");
  Tensor t(n.type(), std::vector<float>(values.begin(), values.end()));
  auto* a = ctx.add_node("Constant", {}, n.name()).add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  *a->mutable_t() = make_float_proto(n.name(), t);
}

void add_outputs(onnx::ModelProto& m, const Graph& g) {
  std::string roles;
  bool any_aux = false;
  for (const GraphOutput& o : g.outputs()) {
    set_tensor_type(*m.mutable_graph()->add_output(), o.value->name(), o.value->type());
    roles += std::string(roles.empty() ? "" : ",") + output_role_name(o.role);
    any_aux = any_aux || o.role == OutputRole::aux;
  }
  if (!any_aux) return;
  auto* p = m.add_metadata_props();
  p->set_key(kOutputRolesKey);
  p->set_value(roles);
}

}  // namespace
}  // namespace onnx_io

onnx::ModelProto export_onnx_model(const Graph& g, const WeightMap& weights) {
  using namespace onnx_io;
  onnx::ModelProto m;
  m.set_ir_version(kIrVersion);
  m.set_producer_name("kiln");
  m.set_producer_version("0.1.0");
  m.add_opset_import()->set_version(kOpset);
  onnx::GraphProto& graph = *m.mutable_graph();
  graph.set_name(g.name());
  ExportContext ctx(graph, g);
  Problems problems;
  for (const Node* n : g.nodes()) {
    if (n->is("input"))
      set_tensor_type(*graph.add_input(), n->name(), n->type());
    else if (n->is("weight"))
      add_weight(graph, *n, weights, problems);
    else if (n->is("constant"))
      add_constant(ctx, *n);
    else if (!export_node(ctx, *n))
      problems.unsupported[n->op()].push_back(n->name());
  }
  const std::string message = problems.message();
  if (!message.empty()) throw Error("cannot export graph @" + g.name() + " to ONNX: " + message);
  add_outputs(m, g);
  return m;
}

void export_onnx(const Graph& g, const WeightMap& weights, const std::string& path) {
  onnx_io::write_model_proto(export_onnx_model(g, weights), path);
}

}  // namespace kiln
