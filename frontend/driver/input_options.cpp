#include "frontend/driver/input_options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>

#include "frontend/npy.h"
#include "frontend/weight_init.h"

namespace kiln::driver {

namespace {

struct InputSpec {
  std::string name;
  std::string path;
};

// "NAME=FILE", with an optional '%' before NAME as in the text IR.
InputSpec split_spec(const std::string& spec) {
  size_t eq = spec.find('=');
  std::string name = spec.substr(0, eq);
  if (!name.empty() && name[0] == '%') name.erase(0, 1);
  return {name, eq == std::string::npos ? "" : spec.substr(eq + 1)};
}

CLI::Validator spec_validator() {
  return CLI::Validator(
      [](std::string& spec) {
        InputSpec s = split_spec(spec);
        if (s.name.empty() || s.path.empty()) return "expected NAME=FILE.npy, got '" + spec + "'";
        return std::string();
      },
      "");
}

std::string input_names(const Graph& g) {
  std::string out;
  for (const Node* n : g.inputs()) out += " %" + n->name() + " " + n->type().str();
  return out;
}

std::map<std::string, std::string> files_by_input(const Graph& g,
                                                  const std::vector<std::string>& specs) {
  std::map<std::string, std::string> files;
  for (const std::string& spec : specs) {
    InputSpec s = split_spec(spec);
    const Node* n = g.find(s.name);
    if (!n || !n->is("input"))
      throw Error("--input " + spec + ": @" + g.name() + " has no input %" + s.name +
                  " (inputs:" + input_names(g) + ")");
    if (!files.emplace(s.name, s.path).second)
      throw Error("--input: input %" + s.name + " is given twice");
  }
  return files;
}

std::string batch_hint(const Node& input, const Tensor& t, BatchAdvice advice) {
  const std::string batch = std::to_string(t.type.dim(0));
  if (advice == BatchAdvice::kBatchFlag) return " (use --batch " + batch + " for this batch size)";
  return " (the artifact was compiled for batch " + std::to_string(input.type().dim(0)) +
         ": recompile it with --batch " + batch + ")";
}

Tensor read_input(const Node& input, const std::string& path, BatchAdvice advice) {
  Tensor t = read_npy(path);
  if (t.type == input.type()) return t;
  std::string hint;
  if (t.type.rank() == input.type().rank() && t.type.rank() > 0 &&
      std::equal(t.dims().begin() + 1, t.dims().end(), input.type().dims.begin() + 1))
    hint = batch_hint(input, t, advice);
  throw Error("input %" + input.name() + ": " + path + " holds " + t.type.str() +
              ", but the model expects " + input.type().str() + hint);
}

}  // namespace

void add_input_option(CLI::App& app, std::vector<std::string>& specs) {
  app.add_option("--input", specs,
                 "Bind a graph input to a .npy file (repeatable); default: seeded")
      ->check(spec_validator())
      ->type_name("NAME=FILE");
}

TensorMap make_inputs(const Graph& g, const std::vector<std::string>& specs, uint64_t seed,
                      BatchAdvice advice) {
  std::map<std::string, std::string> files = files_by_input(g, specs);
  TensorMap inputs;
  uint64_t index = 0;
  for (const Node* n : g.inputs()) {
    auto it = files.find(n->name());
    // A file is read at its own shape (read_input checks it against the input's after), so only
    // the seeded tensor is allocated at the type named here.
    inputs[n->name()] = it != files.end() ? read_input(*n, it->second, advice)
                                          : allocating("input %" + n->name(), n->type(), [&] {
                                              return seeded_input(n->type(), seed + index);
                                            });
    ++index;
  }
  return inputs;
}

}  // namespace kiln::driver
