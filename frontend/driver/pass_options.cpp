#include "frontend/driver/pass_options.h"

#include <CLI/CLI.hpp>

#include "frontend/driver/number_validators.h"
#include "frontend/driver/option_conflicts.h"

namespace kiln::driver {

namespace {

constexpr const char* kGroup = "Pass pipeline";

// Parse-time checks, so that a misspelt pass name is a usage error (exit 2)
// reported before any model is loaded.
CLI::Validator pipeline_validator() {
  return CLI::Validator(
      [](std::string& csv) {
        try {
          parse_pipeline(csv);
          return std::string();
        } catch (const std::exception& e) {
          return std::string(e.what());
        }
      },
      "");
}

CLI::Validator pass_name_validator() {
  return CLI::Validator(
      [](std::string& name) {
        if (create_pass(name)) return std::string();
        return "unknown pass '" + name + "' ('kiln passes' lists them)";
      },
      "");
}

// The help of -O and --O0: which of them is the default.
struct OptLevelHelp {
  std::string optimize, none;
};

OptLevelHelp opt_level_help(DefaultPasses defaults) {
  const std::string pipeline = "'kiln passes' shows it";
  switch (defaults) {
    case DefaultPasses::kOptimize:
      return {"Run the default pipeline (the default; " + pipeline + ")",
              "Run no passes; also spelt -O0"};
    case DefaultPasses::kByBackend:
      return {"Run the default pipeline (the default with --backend=halide; " + pipeline + ")",
              "Run no passes (the default with --backend=reference); also spelt -O0"};
    case DefaultPasses::kNone:
      break;
  }
  return {"Run the default pipeline (" + pipeline + ")",
          "Run no passes (the default); also spelt -O0"};
}

void add_selection_options(CLI::App& app, PassFlags& f, DefaultPasses defaults) {
  const OptLevelHelp help = opt_level_help(defaults);
  auto* passes = app.add_option("--passes", f.passes, "Run these passes, in order")
                     ->check(pipeline_validator())
                     ->type_name("PASS,...")
                     ->group(kGroup);
  auto* opt = app.add_flag("-O", f.optimize, help.optimize)->group(kGroup);
  auto* none = app.add_flag("--O0", f.no_optimize, help.none)->group(kGroup);
  opt->excludes(passes)->excludes(none);
  none->excludes(passes);
}

void add_instrumentation_options(CLI::App& app, PassFlags& f) {
  app.add_flag("--print-after-all", f.print_after_all, "Print the IR after every pass")
      ->group(kGroup);
  app.add_option("--print-before", f.print_before, "Print the IR before this pass (repeatable)")
      ->delimiter(',')
      ->check(pass_name_validator())
      ->type_name("PASS")
      ->group(kGroup);
  app.add_option("--print-after", f.print_after, "Print the IR after this pass (repeatable)")
      ->delimiter(',')
      ->check(pass_name_validator())
      ->type_name("PASS")
      ->group(kGroup);
  app.add_flag("--verify-each", f.verify_each, "Run the verifier after every pass")->group(kGroup);
  app.add_flag("--stats", f.stats, "Print pass statistics")->group(kGroup);
  app.add_flag("--remarks", f.remarks, "Print what each pass did and why it missed")->group(kGroup);
}

void add_numerics_options(CLI::App& app, PassFlags& f) {
  auto* numerics = app.add_flag("--verify-numerics", f.verify_numerics,
                                "Check outputs against the unoptimised graph after every pass")
                       ->group(kGroup);
  app.add_option("--numerics-tolerance", f.numerics_tolerance,
                 "Relative tolerance for --verify-numerics")
      ->check(positive_finite_number())
      ->needs(numerics)
      ->capture_default_str()
      ->group(kGroup);
  app.add_option("--keep-outputs", f.keep_outputs,
                 "Graph outputs that strip-training must keep, even aux ones")
      ->type_name("NAME")
      ->delimiter(',')
      ->group(kGroup);
}

}  // namespace

void add_pass_options(CLI::App& app, PassFlags& f, DefaultPasses defaults) {
  add_selection_options(app, f, defaults);
  add_instrumentation_options(app, f);
  add_numerics_options(app, f);
}

std::vector<std::string> pass_option_names(const CLI::App& app) {
  return option_names_in_group(app, kGroup);
}

std::vector<std::string> normalize_opt_level(std::vector<std::string> args) {
  for (std::string& a : args) {
    if (a == "--") break;
    if (a == "-O0") a = "--O0";
  }
  return args;
}

std::vector<std::string> selected_passes(const PassFlags& f) {
  if (f.optimize) return default_pipeline();
  if (!f.passes.empty()) return parse_pipeline(f.passes);
  return {};
}

void check_keep_outputs(const Graph& g, const PassFlags& f) {
  for (const std::string& name : f.keep_outputs) {
    const Node* n = g.find(name);
    if (n && g.is_output(n)) continue;
    std::string outputs;
    for (const GraphOutput& o : g.outputs()) outputs += " %" + o.value->name();
    throw Error("--keep-outputs: %" + name + " is not an output of @" + g.name() +
                " (outputs:" + outputs + ")");
  }
}

PipelineOptions pipeline_options(const PassFlags& f) {
  PipelineOptions o;
  o.passes = selected_passes(f);
  o.print_after_all = f.print_after_all;
  o.print_before.insert(f.print_before.begin(), f.print_before.end());
  o.print_after.insert(f.print_after.begin(), f.print_after.end());
  o.verify_each = f.verify_each;
  o.stats = f.stats;
  o.remarks = f.remarks;
  o.verify_numerics = f.verify_numerics;
  o.numerics_tolerance = f.numerics_tolerance;
  o.keep_outputs = f.keep_outputs;
  return o;
}

void run_selected_passes(Graph& g, WeightMap& weights, const PassFlags& f) {
  PipelineOptions options = pipeline_options(f);
  if (options.passes.empty()) return;
  check_keep_outputs(g, f);
  run_pipeline(g, weights, options);
}

}  // namespace kiln::driver
