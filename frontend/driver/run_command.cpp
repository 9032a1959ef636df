// `kiln run`: load a model, optionally optimise it, run it on the reference
// interpreter or as native code (compiled in process, or a compiled artifact
// directory) and report the outputs.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "backend/reference/interpreter.h"
#include "frontend/driver/artifact_dir.h"
#include "frontend/driver/artifact_runner.h"
#include "frontend/driver/command.h"
#include "frontend/driver/halide_options.h"
#include "frontend/driver/input_options.h"
#include "frontend/driver/model_options.h"
#include "frontend/driver/option_conflicts.h"
#include "frontend/driver/output_file.h"
#include "frontend/driver/pass_options.h"
#include "frontend/driver/run_report.h"
#include "frontend/npy.h"

namespace fs = std::filesystem;

namespace kiln::driver {

namespace {

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

// What only native code honours: how it is generated, its threads and its profile.
std::vector<std::string> native_only_options(const CLI::App& app) {
  std::vector<std::string> options = halide_option_names(app);
  options.push_back("--profile");
  return options;
}

std::vector<std::string> probability_outputs(const Graph& g) {
  std::vector<std::string> names;
  for (const OutputInfo& o : output_infos(g))
    if (o.probabilities) names.push_back(o.name);
  return names;
}

// A directory written by `kiln compile`.
int run_artifact_dir(const RunArgs& a) {
  Clock::time_point load_start = Clock::now();
  Model model(a.model.model);
  TensorMap inputs = artifact_inputs(model, a.inputs, a.model.seed);
  double load_ms = ms_since(load_start);
  ArtifactRun r = run_artifact(model, inputs, a.halide.threads, a.profile);
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
  // Before compiling, which can take minutes: a bad --input fails at once.
  TensorMap inputs = make_inputs(*g, a.inputs, a.model.seed);
  double load_ms = ms_since(load_start);
  Clock::time_point compile_start = Clock::now();
  // Hundreds of megabytes for a large model.
  const ScratchArtifact artifact("kiln-run-");
  compile_model(*g, weights, a.passes, a.halide, artifact.path());
  double compile_ms = ms_since(compile_start);
  ArtifactRun r;
  {
    Model model(artifact.path());
    r = run_artifact(model, inputs, a.halide.threads, a.profile, probability_outputs(*g));
  }
  fmt::print("model @{}, batch {}\n", g->name(), batch_of(*g));
  report_artifact_run(r, a.output_dir);
  fmt::print("load: {:.1f} ms\n", load_ms);
  fmt::print("compile: {:.1f} ms\n", compile_ms);
  fmt::print("run: {:.2f} ms (halide)\n", r.run_ms);
  return 0;
}

int run_reference(const RunArgs& a) {
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

int run_model(const RunArgs& a) {
  const bool artifact = is_artifact_dir(a.model.model);
  const bool reference = !artifact && a.backend == "reference";
  if (artifact) refuse_with_artifact(*a.app, a.model.model, artifact_ignores(*a.app));
  if (reference) refuse_with_reference_backend(*a.app, native_only_options(*a.app));
  // Before any work: a bad destination would otherwise fail only after the whole run.
  check_output_dir("--output-dir", a.output_dir);
  if (artifact) return run_artifact_dir(a);
  return reference ? run_reference(a) : run_halide(a);
}

}  // namespace

Command add_run_command(CLI::App& parent) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* app = parent.add_subcommand(
      "run", "Run a model (or a compiled artifact directory) and report its outputs");
  args->app = app;
  add_model_or_artifact_argument(*app, args->model);
  add_weight_options(*app, args->model);
  add_batch_option(*app, args->model);
  add_input_option(*app, args->inputs);
  app->add_option("--output-dir", args->output_dir, "Write every output to DIR/NAME.npy")
      ->type_name("DIR");
  app->add_option("--backend", args->backend, "Execution backend")
      ->check(CLI::IsMember({"reference", "halide"}))
      ->capture_default_str();
  add_pass_options(*app, args->passes, DefaultPasses::kByBackend);
  add_halide_options(*app, args->halide);
  add_threads_option(*app, args->halide);
  app->add_flag("--profile", args->profile, "Time every kernel (native code only)");
  return {app, [args] { return run_model(*args); }};
}

}  // namespace kiln::driver
