// Exporting a Kiln graph with its weights as an ONNX model (opset 13, IR
// version 7) that other runtimes can run: weights become initializers,
// every value keeps its Kiln name. Fused forms expand into plain ONNX:
// conv2d with a residual and/or relu -> Conv + Add + Relu, dense with relu
// -> Gemm(transB=1) + Relu. Output roles (aux heads) are kept in the model
// metadata, which import_onnx reads back.
#pragma once

#include <string>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace onnx {
class ModelProto;
}

namespace kiln {

// Throws one kiln::Error listing every op without an ONNX mapping, or every
// weight missing from `weights` or of the wrong shape; or when the file
// cannot be written.
void export_onnx(const Graph& g, const WeightMap& weights, const std::string& path);
onnx::ModelProto export_onnx_model(const Graph& g, const WeightMap& weights);

}  // namespace kiln
