// Importing ONNX models (opsets 6 to 17) into Kiln's graph IR, with the
// initializers as weights. What Kiln cannot represent (an op, an attribute
// value, a dtype) is collected over the whole model and reported as one
// kiln::Error, e.g.
//   m.onnx: cannot import: unsupported ONNX ops: LSTM (2 nodes: lstm_1, lstm_2), Where (1 node: w)
// so that one run shows everything a model needs; nothing partial is
// returned. A corrupt or truncated file is an error naming the file.
//
// Mapping: every ONNX output name becomes a value name (sanitised to the
// IR's [A-Za-z0-9_.-/] and made unique); initializers become `weight` nodes
// the first time a node uses them as a tensor, and are not graph inputs.
// Graph inputs take their static shape, a symbolic batch dimension becoming
// 1 (re-batch with Graph::set_batch). Graph outputs are role main (unless
// the file came from export_onnx, which records aux roles in its metadata).
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace onnx {
class ModelProto;
}

namespace kiln {

struct ImportedModel {
  std::unique_ptr<Graph> graph;
  WeightMap weights;
};

ImportedModel import_onnx(const std::string& path);
// An already parsed model; `source` names it in errors (usually its path).
ImportedModel import_onnx_model(const onnx::ModelProto& model, const std::string& source);

}  // namespace kiln
