#include "frontend/onnx/onnx_names.h"

#include <cctype>

namespace kiln::onnx_io {

static bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         c == '/';
}

std::string sanitize_name(const std::string& onnx_name) {
  if (onnx_name.empty()) return "v";
  std::string out = onnx_name;
  for (char& c : out)
    if (!is_name_char(c)) c = '_';
  return out;
}

}  // namespace kiln::onnx_io
