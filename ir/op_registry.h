// Every op is declared once, as an OpDef: its text name, operands, typed
// attribute schema, shape inference, extra checks and cost. ir/ops/*.cpp hold
// one op family each; op_registry.cpp lists them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/attribute.h"
#include "ir/types.h"

namespace kiln {

class Node;

struct AttrSpec {
  std::string name;
  AttrKind kind;
  // Absent attributes read as this default; without one the attribute is
  // required, unless `optional`.
  std::optional<Attr> default_value;
  std::string doc;
  // May be absent and has no default: the op's own check decides when it
  // must be present (conv2d's `alpha` only with activation "leaky_relu").
  bool optional = false;

  bool required() const { return !default_value && !optional; }
};

struct OpDef {
  std::string name;
  std::string summary;
  // Operand names for messages ("x", "weight", "bias", ...). The op takes
  // between min_inputs and operand_names.size() operands, or any number
  // >= min_inputs when variadic (the last name repeats).
  std::vector<std::string> operand_names;
  int min_inputs = 0;
  bool variadic = false;
  std::vector<AttrSpec> attrs;

  // Result type from operand types and attributes. Throws kiln::Error with a
  // message (no location: the verifier adds the node's). Called only after
  // operand count and attribute kinds have been checked.
  std::function<TensorType(const Node&)> infer;
  // Optional extra attribute/operand checks beyond kinds (e.g. kernel > 0).
  std::function<void(const Node&)> check;
  // Floating-point operations (2 x multiply-adds for conv/dense), for `kiln info`.
  std::function<int64_t(const Node&)> flops;

  // True for ops with no operands whose type is declared in the text
  // (input, weight, constant).
  bool is_source() const { return operand_names.empty() && !variadic; }
  const AttrSpec* find_attr(std::string_view n) const;
  std::string operand_name(size_t i) const;
  int max_inputs() const { return variadic ? -1 : static_cast<int>(operand_names.size()); }
};

// nullptr when no op has that name.
const OpDef* find_op(std::string_view name);
// All ops, sorted by name.
std::vector<const OpDef*> all_ops();

}  // namespace kiln
