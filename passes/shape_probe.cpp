#include "passes/shape_probe.h"

#include "ir/graph.h"

namespace kiln::passes {

std::optional<TensorType> apply_steps(const std::vector<ShapeStep>& steps, const TensorType& in) {
  // The ops' own inference reads operand types off nodes, so the steps are
  // replayed in a scratch graph.
  Graph scratch;
  Node* x = scratch.add_node("input", "x", {}, {}, in);
  try {
    for (size_t i = 0; i < steps.size(); ++i) {
      // Appended, not "s" + ...: GCC 12 warns falsely (-Wrestrict) on literal + temporary.
      const std::string name = std::string("s").append(std::to_string(i));
      Node* n = scratch.add_node(steps[i].op, name, {x}, steps[i].attrs);
      if (n->def().check) n->def().check(*n);
      n->set_type(n->def().infer(*n));
      x = n;
    }
  } catch (const Error&) {
    return std::nullopt;
  }
  return x->type();
}

TensorType at_other_batch(const TensorType& t) {
  TensorType other = t;
  if (other.rank() > 0) other.dims[0] = 2 * other.dims[0] + 1;
  return other;
}

bool same_at_every_batch(const std::vector<ShapeStep>& original,
                         const std::vector<ShapeStep>& replacement, const TensorType& in) {
  auto now = apply_steps(original, in);
  if (!now || apply_steps(replacement, in) != now) return false;
  const TensorType other = at_other_batch(in);
  auto then = apply_steps(original, other);
  return !then || apply_steps(replacement, other) == then;
}

}  // namespace kiln::passes
