// evaluate_node: validates a node against its operand values, then dispatches
// to the op's kernel by name.
#include "backend/reference/interpreter.h"

#include <map>
#include <string_view>

#include "backend/reference/ops/ref_ops.h"

namespace kiln::reference {

namespace ops {

Kernel find_kernel(std::string_view op) {
  static const std::map<std::string_view, Kernel> kernels = {
      {"constant", constant},
      {"conv2d", conv2d},
      {"dense", dense},
      {"batch_norm", batch_norm},
      {"relu", activation},
      {"clip", activation},
      {"leaky_relu", activation},
      {"sigmoid", activation},
      {"add", add},
      {"dropout", dropout},
      {"lrn", lrn},
      {"max_pool2d", max_pool2d},
      {"avg_pool2d", avg_pool2d},
      {"global_avg_pool", global_avg_pool},
      {"concat", concat},
      {"flatten", flatten},
      {"reshape", reshape},
      {"softmax", softmax},
  };
  auto it = kernels.find(op);
  return it == kernels.end() ? nullptr : it->second;
}

}  // namespace ops

namespace {

void check_operand_count(const Node& n, size_t given) {
  const OpDef& def = n.def();
  const size_t count = n.num_inputs();
  if (given != count)
    throw Error("got " + std::to_string(given) + " operand values for " + std::to_string(count) +
                " operands");
  const bool too_many = def.max_inputs() >= 0 && count > static_cast<size_t>(def.max_inputs());
  if (count < static_cast<size_t>(def.min_inputs) || too_many)
    throw Error(n.op() + " cannot take " + std::to_string(count) + " operands");
}

void check_operand_values(const Node& n, const std::vector<const Tensor*>& operands) {
  for (size_t i = 0; i < operands.size(); ++i) {
    const std::string what = n.def().operand_name(i) + " %" + n.input(i)->name();
    const Tensor* t = operands[i];
    if (!t) throw Error(what + " has no value");
    if (t->type != n.input(i)->type())
      throw Error(what + " is " + t->type.str() + ", expected " + n.input(i)->type().str());
    if (t->size() != t->type.num_elements())
      throw Error(what + " holds " + std::to_string(t->size()) + " values but its type " +
                  t->type.str() + " needs " + std::to_string(t->type.num_elements()));
  }
}

// Shape inference doubles as the attribute validator, so kernels can trust
// every attribute they read.
TensorType checked_result_type(const Node& n) {
  if (n.def().check) n.def().check(n);
  TensorType out = n.def().infer(n);
  if (out != n.type())
    throw Error("recorded type " + n.type().str() + " differs from the inferred " + out.str() +
                " (shapes are stale: call Graph::infer_shapes)");
  return out;
}

Tensor evaluate_unchecked(const Node& n, const std::vector<const Tensor*>& operands) {
  if (n.is("input") || n.is("weight"))
    throw Error(n.op() + " nodes have no value of their own; run() binds them by name");
  check_operand_count(n, operands.size());
  check_operand_values(n, operands);
  const TensorType out = checked_result_type(n);
  ops::Kernel kernel = ops::find_kernel(n.op());
  if (!kernel) throw Error("no reference kernel for op '" + n.op() + "'");
  return kernel(n, operands, out);
}

}  // namespace

Tensor evaluate_node(const Node& n, const std::vector<const Tensor*>& operands) {
  try {
    return allocating("its result", n.type(), [&] { return evaluate_unchecked(n, operands); });
  } catch (const Error& e) {
    // Node::attr already names the node and its location.
    const std::string self = "%" + n.name() + ":";
    if (e.loc().valid() || std::string_view(e.what()).starts_with(self)) throw;
    throw Error(n.loc(), "%" + n.name() + " (" + n.op() + "): " + e.what());
  }
}

}  // namespace kiln::reference
