#include "frontend/json_dump.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "frontend/graph_stats.h"

namespace kiln {

namespace {

using json = nlohmann::ordered_json;

json float_to_json(double v) {
  if (std::isfinite(v)) return v;
  return format_float(v);
}

json floats_to_json(const std::vector<double>& vs) {
  json out = json::array();
  for (double v : vs) out.push_back(float_to_json(v));
  return out;
}

json names_of(const std::vector<Node*>& nodes) {
  json out = json::array();
  for (const Node* n : nodes) out.push_back(n->name());
  return out;
}

}  // namespace

json attr_to_json(const Attr& a) {
  switch (a.kind()) {
    case AttrKind::Int:
      return a.as_int();
    case AttrKind::Float:
      return float_to_json(a.as_float());
    case AttrKind::Ints:
      return a.as_ints();
    case AttrKind::Floats:
      return floats_to_json(a.as_floats());
    case AttrKind::String:
      return a.as_string();
    case AttrKind::Bool:
      return a.as_bool();
  }
  return nullptr;
}

json node_to_json(const Node& n) {
  json attrs = json::object();
  for (const auto& [name, value] : n.attrs().entries()) attrs[name] = attr_to_json(value);
  json j = {
      {"name", n.name()},
      {"op", n.op()},
      {"inputs", names_of(n.inputs())},
      // Every node defines one value today; the list leaves room for
      // multi-result ops without changing the format.
      {"outputs", json::array({n.name()})},
      {"attrs", std::move(attrs)},
      {"shape", n.type().dims},
      {"output_shapes", json::array({n.type().dims})},
      {"dtype", dtype_name(n.type().dtype)},
      {"fused", fused_ops(n)},
  };
  if (n.loc().valid()) j["loc"] = n.loc().str();
  return j;
}

json graph_to_json(const Graph& g) {
  json nodes = json::array();
  for (const Node* n : g.nodes()) nodes.push_back(node_to_json(*n));
  json outputs = json::array();
  for (const GraphOutput& o : g.outputs())
    outputs.push_back({{"name", o.value->name()},
                       {"role", output_role_name(o.role)},
                       {"shape", o.value->type().dims}});
  return {{"name", g.name()}, {"nodes", std::move(nodes)}, {"outputs", std::move(outputs)}};
}

std::string dump_graph_json(const Graph& g) {
  return graph_to_json(g).dump(2) + "\n";
}

}  // namespace kiln
