#include "frontend/onnx/model_loader.h"

#include <algorithm>
#include <cctype>

#include "frontend/onnx/onnx_importer.h"
#include "frontend/parser.h"

namespace kiln {

bool is_onnx_path(const std::string& path) {
  const std::string ext = ".onnx";
  if (path.size() < ext.size()) return false;
  return std::equal(
      ext.begin(), ext.end(), path.end() - static_cast<long>(ext.size()),
      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

std::unique_ptr<Graph> load_model_any(const std::string& path, WeightMap* weights_out) {
  if (!is_onnx_path(path)) return parse_graph_file(path);
  ImportedModel m = import_onnx(path);
  if (weights_out) *weights_out = std::move(m.weights);
  return std::move(m.graph);
}

}  // namespace kiln
