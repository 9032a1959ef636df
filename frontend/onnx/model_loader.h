// One entry point for every MODEL argument of the driver: a `.onnx` file is
// imported (graph and weights), anything else is parsed as text IR (whose
// weights come from a separate file, so none are returned).
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace kiln {

// True when `path` ends in ".onnx" (any case).
bool is_onnx_path(const std::string& path);

// The graph of a .onnx or text IR file. For ONNX, the initializers are moved
// into *weights_out when it is not null (and *weights_out is left alone for
// text IR). Errors are kiln::Error naming the file.
std::unique_ptr<Graph> load_model_any(const std::string& path, WeightMap* weights_out = nullptr);

}  // namespace kiln
