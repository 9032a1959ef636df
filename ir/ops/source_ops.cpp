// Operand-less ops whose type is declared in the text: graph inputs, weights
// (bound by name to a tensor of the weights file) and small inline constants.
#include "ir/ops/op_helpers.h"

namespace kiln::ops {

static TensorType declared_type(const Node& n) {
  return n.type();
}

void register_source_ops(std::vector<OpDef>& ops) {
  OpDef input;
  input.name = "input";
  input.summary = "A graph input; dimension 0 is the batch, chosen at load";
  input.infer = declared_type;
  input.flops = [](const Node&) { return int64_t{0}; };
  ops.push_back(input);

  OpDef weight;
  weight.name = "weight";
  weight.summary = "A parameter tensor, loaded by name from the weights file";
  weight.infer = declared_type;
  weight.flops = input.flops;
  ops.push_back(weight);

  OpDef constant;
  constant.name = "constant";
  constant.summary = "A small tensor whose values are written inline";
  constant.attrs = {{"value", AttrKind::Floats, std::nullopt, "the elements, row-major"}};
  constant.infer = declared_type;
  constant.check = [](const Node& n) {
    if (static_cast<int64_t>(n.floats_attr("value").size()) != n.type().num_elements())
      fail("constant has " + std::to_string(n.floats_attr("value").size()) +
           " values but its type " + n.type().str() + " holds " +
           std::to_string(n.type().num_elements()));
  };
  constant.flops = input.flops;
  ops.push_back(constant);
}

}  // namespace kiln::ops
