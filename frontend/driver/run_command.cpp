// `kiln run`: load a model, optionally optimise it, run it on the reference
// interpreter and report the outputs.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "backend/reference/interpreter.h"
#include "frontend/driver/command.h"
#include "frontend/driver/input_options.h"
#include "frontend/driver/model_options.h"
#include "frontend/driver/pass_options.h"
#include "frontend/driver/run_report.h"
#include "frontend/npy.h"

namespace fs = std::filesystem;

namespace kiln::driver {

namespace {

struct RunArgs {
  ModelOptions model;
  std::vector<std::string> inputs;
  std::string output_dir;
  std::string backend = "reference";
  PassFlags passes;
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

int run_model(const RunArgs& a) {
  Clock::time_point load_start = Clock::now();
  std::unique_ptr<Graph> g = load_model(a.model);
  WeightMap weights = load_model_weights(*g, a.model);
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
  CLI::App* app = parent.add_subcommand("run", "Run a model on the reference interpreter");
  add_model_argument(*app, args->model);
  add_weight_options(*app, args->model);
  add_batch_option(*app, args->model);
  add_input_option(*app, args->inputs);
  app->add_option("--output-dir", args->output_dir, "Write every output to DIR/NAME.npy")
      ->type_name("DIR");
  app->add_option("--backend", args->backend, "Execution backend")
      ->check(CLI::IsMember({"reference"}))
      ->capture_default_str();
  add_pass_options(*app, args->passes);
  return {app, [args] { return run_model(*args); }};
}

}  // namespace kiln::driver
