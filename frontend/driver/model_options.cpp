#include "frontend/driver/model_options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "frontend/driver/artifact_dir.h"
#include "frontend/onnx/model_loader.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"
#include "frontend/weights.h"

namespace fs = std::filesystem;

namespace kiln::driver {

namespace {

// The largest batch that --batch accepts; beyond it even tiny models would
// not fit in memory, and the bound keeps typos (--batch 10000000) a usage
// error rather than an allocation failure.
constexpr int64_t kMaxBatch = 1 << 16;

// CLI11 2.1 converts "-1" and 2^64 to a uint64_t without complaint (strtoull
// wraps), so the seed's digits are checked here.
CLI::Validator seed_validator() {
  return CLI::Validator(
      [](std::string& s) {
        uint64_t v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc() && end == s.data() + s.size()) return std::string();
        return "expected an integer from 0 to 2^64-1, got '" + s + "'";
      },
      "");
}

bool looks_like_path(const std::string& model) {
  return model.find('/') != std::string::npos || fs::path(model).extension() == ".kir" ||
         fs::exists(model);
}

std::string executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

std::string zoo_listing(const std::vector<std::string>& dirs) {
  std::set<std::string> names;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".kir") names.insert(entry.path().stem().string());
  }
  if (names.empty()) return "no models found there";
  std::string out = "available:";
  for (const std::string& n : names) out += " " + n;
  return out;
}

}  // namespace

void add_model_argument(CLI::App& app, ModelOptions& o) {
  app.add_option("MODEL", o.model, "A .kir or .onnx file, or a zoo model name such as resnet50")
      ->type_name("FILE|NAME")
      ->required();
}

void add_model_or_artifact_argument(CLI::App& app, ModelOptions& o) {
  app.add_option("MODEL", o.model,
                 "A .kir or .onnx file, a zoo model name such as resnet50, or an artifact "
                 "directory written by 'kiln compile'")
      ->type_name("FILE|NAME|DIR")
      ->required();
}

void add_batch_option(CLI::App& app, ModelOptions& o) {
  app.add_option("--batch", o.batch, "Batch size (dimension 0 of every input); default: the file's")
      ->check(CLI::Range(int64_t{1}, kMaxBatch));
}

void add_weight_options(CLI::App& app, ModelOptions& o) {
  app.add_option("--weights", o.weights,
                 "Weights file (.safetensors); default: an .onnx MODEL's own, else "
                 "MODEL.safetensors where 'kiln import' wrote it, else random weights seeded "
                 "by --seed")
      ->type_name("FILE");
  app.add_flag("--allow-extra-weights", o.allow_extra_weights,
               "Ignore tensors in the weights file that the graph does not use");
  app.add_option("--seed", o.seed, "Seed for generated weights and inputs")
      ->check(seed_validator())
      ->capture_default_str();
}

std::vector<std::string> model_search_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("KILN_MODELS"); env && *env) dirs.push_back(env);
  if (std::string exe = executable_dir(); !exe.empty()) dirs.push_back(exe + "/models");
  dirs.push_back(KILN_MODELS_DIR);
  return dirs;
}

namespace {

// <dir>/MODEL.kir from the first search directory holding it, or "".
std::string find_in_zoo(const std::string& model, const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs) {
    fs::path candidate = fs::path(dir) / (model + ".kir");
    if (fs::is_regular_file(candidate)) return candidate.string();
  }
  return "";
}

// What the directory `dir` is, for a command that wanted a model file.
std::string describe_directory(const std::string& dir) {
  if (is_artifact_dir(dir))
    return "is a compiled artifact directory: only 'kiln run' and 'kiln bench' take one";
  std::vector<std::string> missing = missing_artifact_files(dir);
  if (!missing.empty()) {
    std::string files;
    for (const std::string& f : missing) files += (files.empty() ? "" : ", ") + f;
    return "is an incomplete artifact directory: " + files +
           (missing.size() == 1 ? " is" : " are") + " missing (compile the model into it again)";
  }
  return "is a directory, not a .kir or .onnx file";
}

// A bare name is a path first: say so when that hides the zoo model of the name.
std::string zoo_shadow_hint(const std::string& model) {
  if (model.find('/') != std::string::npos) return "";
  const std::string zoo = find_in_zoo(model, model_search_dirs());
  if (zoo.empty()) return "";
  return "; a path takes priority over the zoo model of that name: to use the zoo model, give "
         "its path (" +
         zoo + ")";
}

}  // namespace

ResolvedModel resolve_model(const std::string& model) {
  if (looks_like_path(model)) {
    if (fs::is_directory(model))
      throw Error("model '" + model + "' " + describe_directory(model) + zoo_shadow_hint(model));
    return {model, false};
  }
  std::vector<std::string> dirs = model_search_dirs();
  if (std::string zoo = find_in_zoo(model, dirs); !zoo.empty()) return {zoo, true};
  std::string searched;
  for (const std::string& dir : dirs) searched += (searched.empty() ? "" : ", ") + dir;
  throw Error("unknown model '" + model + "': no such file, and no " + model +
              ".kir in the model directories (" + searched + "); " + zoo_listing(dirs));
}

namespace {

std::unique_ptr<Graph> load_graph(const std::string& path, int64_t batch, WeightMap* onnx_weights) {
  std::unique_ptr<Graph> g = load_model_any(path, onnx_weights);
  if (batch > 0) g->set_batch(batch);
  return g;
}

}  // namespace

std::unique_ptr<Graph> load_model(const ModelOptions& o) {
  return load_graph(resolve_model(o.model).path, o.batch, nullptr);
}

int64_t batch_of(const Graph& g) {
  std::vector<Node*> inputs = g.inputs();
  return inputs.empty() || inputs[0]->type().rank() == 0 ? 1 : inputs[0]->type().dim(0);
}

namespace {

// The weights of a text IR model given without --weights.
WeightMap default_weights(const Graph& g, const ResolvedModel& model, const ModelOptions& o) {
  if (g.weights().empty()) return {};
  // The name `kiln import` gives the weights it writes next to the model.
  const std::string sidecar = model.path + ".safetensors";
  if (fs::is_regular_file(sidecar)) {
    fmt::print(stderr, "note: using the weights in {} (--weights FILE to use others)\n", sidecar);
    return load_weights(g, sidecar, {o.allow_extra_weights});
  }
  if (!model.from_zoo)
    fmt::print(stderr,
               "note: no weights given for {}: using random weights seeded with --seed {} "
               "(--weights FILE to load real ones)\n",
               model.path, o.seed);
  return seeded_weights(g, o.seed);
}

}  // namespace

LoadedModel load_model_with_weights(const ModelOptions& o) {
  LoadedModel m;
  const ResolvedModel model = resolve_model(o.model);
  // Only an ONNX file fills these: its initializers are its weights.
  WeightMap embedded;
  m.graph = load_graph(model.path, o.batch, o.weights.empty() ? &embedded : nullptr);
  if (!o.weights.empty()) {
    m.weights = load_weights(*m.graph, o.weights, {o.allow_extra_weights});
  } else if (is_onnx_path(model.path)) {
    m.weights = std::move(embedded);
  } else {
    m.weights = default_weights(*m.graph, model, o);
  }
  return m;
}

}  // namespace kiln::driver
