#include "frontend/onnx/onnx_checker.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include "ir/error.h"

namespace kiln {

namespace {

void collect(const onnx::ValueInfoProto& v, std::map<std::string, std::vector<int64_t>>& out) {
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
  std::vector<int64_t> dims;
  for (const auto& d : v.type().tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  out[v.name()] = dims;
}

}  // namespace

std::map<std::string, std::vector<int64_t>> check_onnx_model(const onnx::ModelProto& model) {
  onnx::ModelProto m = model;
  try {
    onnx::checker::check_model(m);
    onnx::ShapeInferenceOptions options;
    options.check_type = true;
    options.error_mode = 1;  // throw on inference errors instead of skipping the node
    onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    throw Error(std::string("ONNX checker: ") + e.what());
  }
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& v : m.graph().input()) collect(v, shapes);
  for (const auto& v : m.graph().value_info()) collect(v, shapes);
  for (const auto& v : m.graph().output()) collect(v, shapes);
  return shapes;
}

}  // namespace kiln
