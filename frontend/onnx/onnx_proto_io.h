// Reading and writing ONNX protobuf files. A file that does not parse, or
// parses into something that is not a model (no graph, no opset), is a
// kiln::Error naming the file: protobuf's wire format accepts many byte
// strings, so parsing alone does not prove a file is ONNX.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

namespace kiln::onnx_io {

onnx::ModelProto read_model_proto(const std::string& path);
// A serialised TensorProto, as in a test case's input_0.pb.
onnx::TensorProto read_tensor_proto(const std::string& path);
void write_model_proto(const onnx::ModelProto& model, const std::string& path);

}  // namespace kiln::onnx_io
