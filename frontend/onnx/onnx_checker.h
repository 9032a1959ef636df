// ONNX's own validation (libonnx's checker and strict shape inference), to
// confirm that what export_onnx writes is a model other runtimes accept.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
}

namespace kiln {

// Runs onnx::checker::check_model and strict shape inference on a copy of
// the model; returns the shape ONNX infers for every value it can (graph
// inputs, outputs and intermediates), by name. Throws kiln::Error with the
// checker's message when the model is invalid.
std::map<std::string, std::vector<int64_t>> check_onnx_model(const onnx::ModelProto& model);

}  // namespace kiln
