// Builds small ONNX models in memory for the importer's tests.
#pragma once

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <string>
#include <vector>

#include "frontend/onnx/export_context.h"
#include "frontend/onnx/onnx_proto_io.h"
#include "frontend/onnx/onnx_tensor.h"

namespace kiln::onnx_test {

class OnnxModelMaker {
 public:
  explicit OnnxModelMaker(int opset = 13) {
    m_.set_ir_version(7);
    m_.add_opset_import()->set_version(opset);
    m_.mutable_graph()->set_name("test");
  }

  // A dim of -1 is symbolic ("N").
  OnnxModelMaker& input(const std::string& name, const std::vector<int64_t>& dims,
                        int32_t dtype = onnx::TensorProto::FLOAT) {
    value_info(*m_.mutable_graph()->add_input(), name, dims, dtype);
    return *this;
  }
  OnnxModelMaker& output(const std::string& name) {
    m_.mutable_graph()->add_output()->set_name(name);
    return *this;
  }
  OnnxModelMaker& initializer(const std::string& name, const Tensor& t) {
    *m_.mutable_graph()->add_initializer() = onnx_io::make_float_proto(name, t);
    return *this;
  }
  OnnxModelMaker& int_initializer(const std::string& name, const std::vector<int64_t>& v) {
    *m_.mutable_graph()->add_initializer() =
        onnx_io::make_int64_proto(name, {static_cast<int64_t>(v.size())}, v);
    return *this;
  }
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "") {
    onnx::NodeProto* n = m_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return *n;
  }

  const onnx::ModelProto& model() const { return m_; }
  onnx::ModelProto& model() { return m_; }
  std::string save(const std::string& file) const {
    const std::string path = (std::filesystem::temp_directory_path() / file).string();
    onnx_io::write_model_proto(m_, path);
    return path;
  }

 private:
  static void value_info(onnx::ValueInfoProto& v, const std::string& name,
                         const std::vector<int64_t>& dims, int32_t dtype) {
    v.set_name(name);
    auto* t = v.mutable_type()->mutable_tensor_type();
    t->set_elem_type(dtype);
    for (int64_t d : dims) {
      auto* dim = t->mutable_shape()->add_dim();
      if (d < 0)
        dim->set_dim_param("N");
      else
        dim->set_dim_value(d);
    }
  }

  onnx::ModelProto m_;
};

// A tensor of the given shape filled with a fixed, varied pattern.
inline Tensor pattern_tensor(const std::vector<int64_t>& dims, float scale = 1.0f) {
  Tensor t{TensorType(dims)};
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = scale * static_cast<float>(static_cast<int>((i * 7919) % 23) - 11) / 7.0f;
  return t;
}

}  // namespace kiln::onnx_test
