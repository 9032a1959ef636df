// The ONNX graph being written by the exporter, with the naming that keeps
// helper values ("conv1/conv" before its Relu) clear of Kiln's value names.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "ir/graph.h"

namespace kiln::onnx_io {

class ExportContext {
 public:
  ExportContext(onnx::GraphProto& g, const Graph& source);

  // A value name not used by the Kiln graph or by earlier helpers.
  std::string helper_name(const std::string& base);
  // Appends a node named after its (single) output.
  onnx::NodeProto& add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                            const std::string& output);
  // An INT64 or FLOAT initializer named after `base`; returns its name.
  std::string add_int64s(const std::string& base, const std::vector<int64_t>& values);
  std::string add_float_scalar(const std::string& base, float value);

 private:
  onnx::GraphProto& g_;
  std::unordered_set<std::string> used_;
};

void set_attr(onnx::NodeProto& n, const std::string& name, int64_t v);
void set_attr(onnx::NodeProto& n, const std::string& name, double v);
void set_attr(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v);

// Appends the ONNX nodes computing `n` (not a source op). Returns false
// when the op has no ONNX mapping.
bool export_node(ExportContext& ctx, const Node& n);

}  // namespace kiln::onnx_io
