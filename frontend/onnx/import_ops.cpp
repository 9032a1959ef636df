#include "frontend/onnx/import_ops.h"

#include <map>

namespace kiln::onnx_io {

Converter find_converter(const std::string& op_type) {
  static const std::map<std::string, Converter> converters = {
      {"Add", convert_add},
      {"AveragePool", convert_average_pool},
      {"BatchNormalization", convert_batch_norm},
      {"Clip", convert_clip},
      {"Concat", convert_concat},
      {"Constant", convert_constant},
      {"Conv", convert_conv},
      {"Dropout", convert_dropout},
      {"Flatten", convert_flatten},
      {"Gemm", convert_gemm},
      {"GlobalAveragePool", convert_global_average_pool},
      {"Identity", convert_identity},
      {"LRN", convert_lrn},
      {"LeakyRelu", convert_leaky_relu},
      {"MatMul", convert_matmul},
      {"MaxPool", convert_max_pool},
      {"Pad", convert_pad},
      {"Relu", convert_relu},
      {"Reshape", convert_reshape},
      {"Sigmoid", convert_sigmoid},
      {"Softmax", convert_softmax},
      {"Sum", convert_sum},
  };
  auto it = converters.find(op_type);
  return it == converters.end() ? nullptr : it->second;
}

Node* add_reshape(ImportContext& ctx, const std::string& name, Node* x,
                  std::vector<int64_t> shape) {
  AttrMap attrs;
  attrs.set("shape", std::move(shape));
  return ctx.builder().op("reshape", name, {x}, std::move(attrs));
}

const std::string& operand(const onnx::NodeProto& n, int i) {
  if (!ImportContext::present(n, i)) throw Error("operand " + std::to_string(i) + " is missing");
  return n.input(i);
}

}  // namespace kiln::onnx_io
