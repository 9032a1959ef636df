// Typed access to an ONNX node's attributes, with the node named in errors.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace kiln::onnx_io {

// ONNX stores float attributes as float32, so epsilon=1e-5 arrives as
// 9.99999974738e-06. Kiln's attributes are doubles; taking the shortest
// decimal that reads back as the same float32 keeps 1e-5 as 1e-5, so
// export followed by import gives back the original attribute.
double canonical_float(float f);

class NodeAttrs {
 public:
  explicit NodeAttrs(const onnx::NodeProto& node) : node_(node) {}

  bool has(const std::string& name) const { return find(name) != nullptr; }
  int64_t get_int(const std::string& name, int64_t fallback) const;
  double get_float(const std::string& name, double fallback) const;
  std::string get_string(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> get_ints(const std::string& name,
                                const std::vector<int64_t>& fallback) const;
  std::vector<double> get_floats(const std::string& name) const;
  // nullptr when absent.
  const onnx::TensorProto* get_tensor(const std::string& name) const;

  // Throws Unsupported naming every attribute that is not in `known`: an
  // attribute the converter does not read would otherwise be ignored silently
  // and change the results.
  void allow_only(std::initializer_list<const char*> known) const;

 private:
  const onnx::AttributeProto* find(const std::string& name) const;
  const onnx::AttributeProto& expect(const std::string& name,
                                     onnx::AttributeProto::AttributeType type) const;

  const onnx::NodeProto& node_;
};

}  // namespace kiln::onnx_io
