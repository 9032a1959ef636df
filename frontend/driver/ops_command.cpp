// `kiln ops`: the op registry — what each op does, its operands and its
// attribute schema with defaults.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "frontend/driver/command.h"
#include "frontend/json_dump.h"
#include "ir/op_registry.h"

namespace kiln::driver {

namespace {

struct OpsArgs {
  std::vector<std::string> names;  // empty: every op
  bool json = false;
};

// "x, weight, [bias], [residual]"; a variadic op's last operand repeats.
std::string operand_signature(const OpDef& d) {
  if (d.is_source()) return "none (the type is declared in the text)";
  std::string out;
  for (size_t i = 0; i < d.operand_names.size(); ++i) {
    std::string name = d.operand_names[i];
    if (static_cast<int>(i) >= d.min_inputs) name = "[" + name + "]";
    out += (i ? ", " : "") + name;
  }
  return d.variadic ? out + ", ..." : out;
}

std::string default_text(const AttrSpec& a) {
  if (a.default_value) return a.default_value->str();
  return a.optional ? "optional" : "required";
}

void print_op(const OpDef& d) {
  fmt::print("{}: {}\n", d.name, d.summary);
  fmt::print("  operands: {}\n", operand_signature(d));
  if (d.attrs.empty()) return;
  fmt::print("  attributes:\n");
  for (const AttrSpec& a : d.attrs)
    fmt::print("    {:<18} {:<11} {:<13} {}\n", a.name, attr_kind_name(a.kind), default_text(a),
               a.doc);
}

nlohmann::ordered_json op_json(const OpDef& d) {
  nlohmann::ordered_json attrs = nlohmann::ordered_json::array();
  for (const AttrSpec& a : d.attrs)
    attrs.push_back({{"name", a.name},
                     {"kind", attr_kind_name(a.kind)},
                     {"default", a.default_value ? attr_to_json(*a.default_value) : nullptr},
                     {"required", a.required()},
                     {"doc", a.doc}});
  return {{"name", d.name},
          {"summary", d.summary},
          {"operands", d.operand_names},
          {"min_inputs", d.min_inputs},
          {"variadic", d.variadic},
          {"attrs", std::move(attrs)}};
}

std::vector<const OpDef*> selected_ops(const OpsArgs& a) {
  if (a.names.empty()) return all_ops();
  std::vector<const OpDef*> out;
  for (const std::string& name : a.names) out.push_back(find_op(name));
  return out;
}

int list_ops(const OpsArgs& a) {
  std::vector<const OpDef*> ops = selected_ops(a);
  if (a.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const OpDef* d : ops) out.push_back(op_json(*d));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i) fmt::print("\n");
    print_op(*ops[i]);
  }
  return 0;
}

std::vector<std::string> op_names() {
  std::vector<std::string> names;
  for (const OpDef* d : all_ops()) names.push_back(d->name);
  return names;
}

}  // namespace

Command add_ops_command(CLI::App& parent) {
  auto args = std::make_shared<OpsArgs>();
  CLI::App* app = parent.add_subcommand("ops", "List the ops with their operands and attributes");
  app->add_option("OP", args->names, "Show only these ops")->check(CLI::IsMember(op_names()));
  app->add_flag("--json", args->json, "Print the schema as JSON");
  return {app, [args] { return list_ops(*args); }};
}

}  // namespace kiln::driver
