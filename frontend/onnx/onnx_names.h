// ONNX value names are arbitrary strings ("onnx::Conv_12", "features.0.weight",
// "" for absent optional inputs); Kiln value names use [A-Za-z0-9_.-/] only.
#pragma once

#include <string>

namespace kiln::onnx_io {

// Every character outside the IR's name alphabet becomes '_'; an empty name
// becomes "v". Distinct ONNX names can map to one Kiln name: callers
// uniquify with Graph::unique_name.
std::string sanitize_name(const std::string& onnx_name);

}  // namespace kiln::onnx_io

namespace kiln::onnx_io {

// Model metadata written by export_onnx: the graph outputs' roles, comma
// separated in output order ("main,aux,aux"). ONNX has no output roles.
inline constexpr const char* kOutputRolesKey = "kiln.output_roles";

}  // namespace kiln::onnx_io
