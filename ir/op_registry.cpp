#include "ir/op_registry.h"

#include <algorithm>
#include <map>

#include "ir/ops/op_helpers.h"

namespace kiln {

const AttrSpec* OpDef::find_attr(std::string_view n) const {
  for (const auto& a : attrs)
    if (a.name == n) return &a;
  return nullptr;
}

std::string OpDef::operand_name(size_t i) const {
  if (operand_names.empty()) return "operand " + std::to_string(i);
  if (i < operand_names.size()) return operand_names[i];
  return operand_names.back() + std::to_string(i);
}

namespace {

// Every inferred type passes the size check a declared one does, so no op's
// inference has to remember it (products of large dimensions overflow).
void check_inferred_size(OpDef& d) {
  if (!d.infer) return;
  d.infer = [infer = std::move(d.infer)](const Node& n) {
    TensorType t = infer(n);
    t.check_size();
    return t;
  };
}

const std::map<std::string, OpDef, std::less<>>& registry() {
  static const auto* table = [] {
    std::vector<OpDef> ops;
    ops::register_source_ops(ops);
    ops::register_conv2d(ops);
    ops::register_dense(ops);
    ops::register_batch_norm(ops);
    ops::register_elementwise_ops(ops);
    ops::register_activation_ops(ops);
    ops::register_lrn(ops);
    ops::register_pooling_ops(ops);
    ops::register_concat(ops);
    ops::register_shape_ops(ops);
    ops::register_softmax(ops);
    auto* m = new std::map<std::string, OpDef, std::less<>>;
    for (auto& d : ops) {
      check_inferred_size(d);
      m->emplace(d.name, std::move(d));
    }
    return m;
  }();
  return *table;
}

}  // namespace

const OpDef* find_op(std::string_view name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<const OpDef*> all_ops() {
  std::vector<const OpDef*> out;
  for (const auto& [_, d] : registry()) out.push_back(&d);
  return out;
}

}  // namespace kiln
