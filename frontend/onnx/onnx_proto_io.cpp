#include "frontend/onnx/onnx_proto_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ir/error.h"

namespace kiln::onnx_io {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file: " + std::strerror(errno));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
  return bytes.str();
}

bool has_default_domain_opset(const onnx::ModelProto& m) {
  for (const auto& o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return true;
  return false;
}

}  // namespace

onnx::ModelProto read_model_proto(const std::string& path) {
  const std::string bytes = read_file(path);
  if (bytes.empty()) throw Error(path + ": not an ONNX model: the file is empty");
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    throw Error(path + ": not a valid ONNX model: protobuf parsing failed (" +
                std::to_string(bytes.size()) + " bytes; truncated or not an ONNX file)");
  // A truncated file can still parse when the cut falls on a field boundary;
  // the graph and opset_import are serialised last, so one of them is lost.
  if (model.ir_version() <= 0 || !model.has_graph())
    throw Error(path + ": not a valid ONNX model: no " +
                std::string(model.ir_version() <= 0 ? "ir_version" : "graph") +
                " (truncated or not an ONNX file)");
  if (!has_default_domain_opset(model))
    throw Error(path + ": not a valid ONNX model: no opset_import for the default domain " +
                "(truncated or not an ONNX file)");
  return model;
}

onnx::TensorProto read_tensor_proto(const std::string& path) {
  const std::string bytes = read_file(path);
  onnx::TensorProto t;
  if (!t.ParseFromString(bytes)) throw Error(path + ": not a valid ONNX TensorProto");
  return t;
}

void write_model_proto(const onnx::ModelProto& model, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path + ": cannot open for writing");
  if (!model.SerializeToOstream(&out) || !out.flush()) throw Error(path + ": write failed");
}

}  // namespace kiln::onnx_io
