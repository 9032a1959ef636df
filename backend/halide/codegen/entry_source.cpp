#include "backend/halide/codegen/entry_source.h"

#include <set>
#include <sstream>

#include "backend/halide/codegen/c_text.h"

namespace kiln::halide::codegen {
namespace {

// Flat arrays with one element per table entry; each table row points at its first element.
// A trailing 0 keeps every array non-empty, as C requires.
template <typename T>
class FlatArray {
 public:
  size_t append(const std::vector<T>& values) {
    const size_t start = values_.size();
    values_.insert(values_.end(), values.begin(), values.end());
    return start;
  }
  std::string define(const std::string& type, const std::string& name,
                     std::string (*spell)(const T&)) const {
    std::string out = "static const " + type + " " + name + "[] = {";
    for (const T& v : values_) out += spell(v) + ", ";
    return out + spell(T{}) + "};\n";
  }

 private:
  std::vector<T> values_;
};

std::string spell_int(const int& v) {
  return std::to_string(v);
}
std::string spell_int64(const int64_t& v) {
  return c_int64(v);
}
std::string spell_string(const std::string& s) {
  return s.empty() ? "\"\"" : c_string(s);
}

std::string params(int arity, bool with_types) {
  std::string out;
  for (int i = 0; i < arity; ++i) {
    if (i > 0) out += ", ";
    if (with_types) out += "struct halide_buffer_t* ";
    out += 'a';
    out += std::to_string(i);
  }
  return out;
}

void kernel_forwarders(const ArtifactContents& c, std::ostream& out) {
  std::set<std::string> declared;
  for (size_t k = 0; k < c.plan->kernels.size(); ++k) {
    const std::string& fn = c.plan->kernels[k].function_name;
    const std::string& sym = c.symbols[k];
    const int arity = c.checked.arity[k];
    out << "\n/* " << c_comment(fn) << ": " << c_comment(c.plan->kernels[k].op) << " */\n";
    if (declared.insert(sym).second) {
      out << "extern int " << sym << "_argv(void** args);\n";
      if (arity >= 0) out << "extern int " << sym << "(" << params(arity, true) << ");\n";
    }
    out << "int " << fn << "_argv(void** args);\n";
    out << "int " << fn << "_argv(void** args) { return " << sym << "_argv(args); }\n";
    if (arity < 0) continue;
    out << "int " << fn << "(" << params(arity, true) << ");\n";
    out << "int " << fn << "(" << params(arity, true) << ") { return " << sym << "("
        << params(arity, false) << "); }\n";
  }
}

const char* storage_name(int storage) {
  static const char* names[] = {"KILN_STORAGE_INPUT", "KILN_STORAGE_OUTPUT", "KILN_STORAGE_ARENA",
                                "KILN_STORAGE_WEIGHTS"};
  return names[storage];
}

void tensor_table(const ArtifactContents& c, std::ostream& out) {
  FlatArray<int> extents;
  FlatArray<int64_t> strides;
  std::ostringstream rows;
  for (size_t t = 0; t < c.plan->tensors.size(); ++t) {
    const PlanTensor& x = c.plan->tensors[t];
    const size_t e = extents.append(x.extents), s = strides.append(x.strides);
    rows << "  {" << spell_string(x.name) << ", " << storage_name(c.checked.storage[t]) << ", "
         << x.alias_of << ", " << c_int64(c.weights.offsets[t]) << ", " << x.extents.size()
         << ", kiln_extents + " << e << ", kiln_strides + " << s << "},\n";
  }
  out << "\n"
      << extents.define("int32_t", "kiln_extents", spell_int)
      << strides.define("int64_t", "kiln_strides", spell_int64)
      << "static const struct kiln_plan_tensor kiln_tensors[] = {\n"
      << rows.str() << "};\n";
}

void step_table(const ArtifactContents& c, std::ostream& out) {
  FlatArray<int> args;
  FlatArray<std::string> layers;
  std::ostringstream rows;
  for (const PlanStep& s : c.plan->steps) {
    const size_t a = args.append(s.args), l = layers.append(s.layers);
    rows << "  {" << c.symbols[s.kernel] << "_argv, "
         << spell_string(c.plan->kernels[s.kernel].function_name) << ", " << s.args.size()
         << ", kiln_args + " << a << ", " << s.layers.size() << ", kiln_layers + " << l << ", "
         << spell_string(s.description) << ", " << c_double(s.flops) << "},\n";
  }
  out << "\n"
      << args.define("int32_t", "kiln_args", spell_int)
      << layers.define("char* const", "kiln_layers", spell_string)
      << "static const struct kiln_plan_step kiln_steps[] = {\n"
      << rows.str() << "};\n";
}

// Defines `name` as the io table, or as a null pointer when there are no entries.
std::string io_table(const ArtifactContents& c, const std::vector<int>& ids,
                     const std::string& name, FlatArray<int64_t>& shapes) {
  if (ids.empty()) return "#define " + name + " ((const struct kiln_plan_io*)0)\n";
  std::string out = "static const struct kiln_plan_io " + name + "[] = {\n";
  for (int t : ids) {
    const std::vector<int64_t> shape = graph_shape(c.plan->tensors[t]);
    const size_t at = shapes.append(shape);
    out += "  {" + spell_string(c.plan->tensors[t].name) + ", " + std::to_string(t) + ", " +
           std::to_string(shape.size()) + ", kiln_shapes + " + std::to_string(at) + "},\n";
  }
  return out + "};\n";
}

void plan_struct(const ArtifactContents& c, std::ostream& out) {
  const Plan& p = *c.plan;
  out << "\nstatic const struct kiln_plan kiln_the_plan = {\n"
      << "  .abi_version = " << c.abi_version << "u,\n"
      << "  .struct_size = sizeof(struct kiln_plan),\n"
      << "  .kiln_version = " << spell_string(c.kiln_version) << ",\n"
      << "  .target = " << spell_string(c.target) << ",\n"
      << "  .block = " << p.block << ",\n"
      << "  .num_tensors = " << p.tensors.size() << ",\n  .tensors = kiln_tensors,\n"
      << "  .num_steps = " << p.steps.size() << ",\n  .steps = kiln_steps,\n"
      << "  .num_inputs = " << p.inputs.size() << ",\n  .inputs = kiln_inputs,\n"
      << "  .num_outputs = " << p.outputs.size() << ",\n  .outputs = kiln_outputs,\n"
      << "  .arena_bytes = " << c_int64(p.arena_floats * 4) << ",\n"
      << "  .intermediate_bytes = " << c_int64(p.intermediate_floats * 4) << ",\n"
      << "  .weights_bytes = " << c_int64(c.weights.bytes()) << ",\n"
      << "  .weights_checksum = " << c_uint64(c.weights.checksum) << ",\n"
      << "  .set_error_handler = halide_set_error_handler,\n"
      << "  .set_do_par_for = halide_set_custom_do_par_for,\n"
      << "};\n";
}

}  // namespace

std::string entry_source(const ArtifactContents& c) {
  std::ostringstream out;
  out << "/* Generated by Kiln " << c_comment(c.kiln_version) << " for " << c_comment(c.target)
      << ": the entry point of libkiln_model.so. Do not edit. */\n"
      << "#include \"" << kPlanHeaderFile << "\"\n\n"
      << "struct halide_buffer_t;\n"
      << "extern kiln_halide_error_handler halide_set_error_handler(kiln_halide_error_handler h);\n"
      << "extern kiln_do_par_for_fn halide_set_custom_do_par_for(kiln_do_par_for_fn f);\n"
      << "const struct kiln_plan* kiln_model_plan(void);\n";
  kernel_forwarders(c, out);
  tensor_table(c, out);
  step_table(c, out);
  FlatArray<int64_t> shapes;
  const std::string inputs = io_table(c, c.plan->inputs, "kiln_inputs", shapes);
  const std::string outputs = io_table(c, c.plan->outputs, "kiln_outputs", shapes);
  out << "\n" << shapes.define("int64_t", "kiln_shapes", spell_int64) << inputs << outputs;
  plan_struct(c, out);
  out << "\nconst struct kiln_plan* kiln_model_plan(void) { return &kiln_the_plan; }\n";
  return out.str();
}

std::string export_map(const ArtifactContents& c) {
  std::string out = "{\n  global:\n    kiln_model_plan;\n";
  for (size_t k = 0; k < c.plan->kernels.size(); ++k) {
    const std::string& fn = c.plan->kernels[k].function_name;
    out += "    " + fn + "_argv;\n";
    if (c.checked.arity[k] >= 0) out += "    " + fn + ";\n";
  }
  return out + "  local:\n    *;\n};\n";
}

}  // namespace kiln::halide::codegen
