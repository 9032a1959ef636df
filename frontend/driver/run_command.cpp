// `kiln run`: load a model, optionally optimise it, run it on the reference
// interpreter or as native code (compiled in process, or a compiled artifact
// directory) and report the outputs.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "backend/reference/interpreter.h"
#include "frontend/driver/artifact_runner.h"
#include "frontend/driver/command.h"
#include "frontend/driver/halide_options.h"
#include "frontend/driver/input_options.h"
#include "frontend/driver/model_options.h"
#include "frontend/driver/pass_options.h"
#include "frontend/driver/run_report.h"
#include "frontend/npy.h"

namespace fs = std::filesystem;

namespace kiln::driver {

namespace {

constexpr int kUsageError = 2;

struct RunArgs {
  CLI::App* app = nullptr;
  ModelOptions model;
  std::vector<std::string> inputs;
  std::string output_dir;
  std::string backend = "reference";
  PassFlags passes;
  HalideFlags halide;
  bool profile = false;
};

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Value names may contain '/', which would otherwise place the file outside
// the directory's top level (or outside the directory altogether).
std::string output_file_name(const std::string& value) {
  std::string name = value;
  std::replace(name.begin(), name.end(), '/', '_');
  return name + ".npy";
}

void write_outputs(const Graph& g, const TensorMap& outputs, const std::string& dir) {
  fs::create_directories(dir);
  for (const GraphOutput& o : g.outputs()) {
    fs::path path = fs::path(dir) / output_file_name(o.value->name());
    write_npy(path.string(), outputs.at(o.value->name()));
  }
  fmt::print("wrote {} output{} to {}\n", g.outputs().size(), g.outputs().size() == 1 ? "" : "s",
             dir);
}

void report_artifact_run(const ArtifactRun& r, const std::string& output_dir) {
  print_outputs(std::cout, r.infos, r.outputs);
  if (!output_dir.empty()) {
    fs::create_directories(output_dir);
    for (const OutputInfo& o : r.infos)
      write_npy((fs::path(output_dir) / output_file_name(o.name)).string(), r.outputs.at(o.name));
    fmt::print("wrote {} outputs to {}\n", r.infos.size(), output_dir);
  }
  if (!r.profile.empty()) print_profile(r.profile);
}

// Besides what shapes compilation, an artifact runs natively with its own
// kernels: the backend, the pass pipeline and the kernel cache play no part.
std::vector<std::string> artifact_ignores(const CLI::App& app) {
  std::vector<std::string> options = compile_only_options();
  for (const char* opt : {"--backend", "--cache-dir"}) options.push_back(opt);
  for (const std::string& opt : pass_option_names(app)) options.push_back(opt);
  return options;
}

// A directory written by `kiln compile`.
int run_artifact_dir(const RunArgs& a) {
  if (std::string conflict = artifact_conflict(*a.app, a.model.model, artifact_ignores(*a.app));
      !conflict.empty()) {
    fmt::print(stderr, "error: {}\n", conflict);
    return kUsageError;
  }
  Clock::time_point load_start = Clock::now();
  Model model(a.model.model);
  double load_ms = ms_since(load_start);
  ArtifactRun r = run_artifact(model, a.inputs, a.model.seed, a.halide.threads, a.profile, {},
                               BatchAdvice::kRecompile);
  fmt::print("artifact {} ({})\n", a.model.model, model.target());
  report_artifact_run(r, a.output_dir);
  fmt::print("load: {:.1f} ms\n", load_ms);
  fmt::print("run: {:.2f} ms (native)\n", r.run_ms);
  return 0;
}

// Compiles in process into a scratch artifact (kernels come from the cache
// after the first time) and runs it.
int run_halide(const RunArgs& a) {
  Clock::time_point load_start = Clock::now();
  auto [g, weights] = load_model_with_weights(a.model);
  double load_ms = ms_since(load_start);
  Clock::time_point compile_start = Clock::now();
  fs::path dir = fs::temp_directory_path() / fmt::format("kiln-run-{}", ::getpid());
  compile_model(*g, weights, a.passes, a.halide, dir.string());
  double compile_ms = ms_since(compile_start);
  std::vector<std::string> probabilities;
  for (const OutputInfo& o : output_infos(*g))
    if (o.probabilities) probabilities.push_back(o.name);
  ArtifactRun r;
  {
    Model model(dir.string());
    r = run_artifact(model, a.inputs, a.model.seed, a.halide.threads, a.profile, probabilities);
  }
  fs::remove_all(dir);
  fmt::print("model @{}, batch {}\n", g->name(), batch_of(*g));
  report_artifact_run(r, a.output_dir);
  fmt::print("load: {:.1f} ms\n", load_ms);
  fmt::print("compile: {:.1f} ms\n", compile_ms);
  fmt::print("run: {:.2f} ms (halide)\n", r.run_ms);
  return 0;
}

int run_model(const RunArgs& a) {
  if (is_artifact_dir(a.model.model)) return run_artifact_dir(a);
  if (a.backend == "halide") return run_halide(a);
  Clock::time_point load_start = Clock::now();
  auto [g, weights] = load_model_with_weights(a.model);
  TensorMap inputs = make_inputs(*g, a.inputs, a.model.seed);
  double load_ms = ms_since(load_start);

  Clock::time_point pass_start = Clock::now();
  run_selected_passes(*g, weights, a.passes);
  double pass_ms = ms_since(pass_start);

  Clock::time_point run_start = Clock::now();
  TensorMap outputs = reference::run(*g, weights, inputs);
  double run_ms = ms_since(run_start);

  fmt::print("model @{}, batch {}\n", g->name(), batch_of(*g));
  print_outputs(std::cout, *g, outputs);
  if (!a.output_dir.empty()) write_outputs(*g, outputs, a.output_dir);
  fmt::print("load: {:.1f} ms\n", load_ms);
  if (!selected_passes(a.passes).empty()) fmt::print("passes: {:.1f} ms\n", pass_ms);
  fmt::print("run: {:.1f} ms ({})\n", run_ms, a.backend);
  return 0;
}

}  // namespace

Command add_run_command(CLI::App& parent) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* app = parent.add_subcommand(
      "run", "Run a model (or a compiled artifact directory) and report its outputs");
  args->app = app;
  add_model_argument(*app, args->model);
  add_weight_options(*app, args->model);
  add_batch_option(*app, args->model);
  add_input_option(*app, args->inputs);
  app->add_option("--output-dir", args->output_dir, "Write every output to DIR/NAME.npy")
      ->type_name("DIR");
  app->add_option("--backend", args->backend, "Execution backend")
      ->check(CLI::IsMember({"reference", "halide"}))
      ->capture_default_str();
  add_pass_options(*app, args->passes);
  add_halide_options(*app, args->halide, /*with_emit=*/false);
  app->add_flag("--profile", args->profile, "Time every kernel (native backends)");
  return {app, [args] { return run_model(*args); }};
}

}  // namespace kiln::driver
