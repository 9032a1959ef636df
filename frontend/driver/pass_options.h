// The pass-pipeline flags shared by the subcommands that load a model: they
// fill a PipelineOptions for run_pipeline.
//
// -O runs the default pipeline and -O0 none; which of them a command runs
// when given neither depends on the command (DefaultPasses). CLI11 reads a
// short flag's attached text as more flags ("-O0" as "-O -0"), so main
// respells "-O0" as "--O0" with normalize_opt_level before parsing.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"
#include "passes/pass_manager.h"

namespace CLI {
class App;
}

namespace kiln::driver {

struct PassFlags {
  std::string passes;  // "a,b,c"
  bool optimize = false;
  bool no_optimize = false;
  bool print_after_all = false;
  std::vector<std::string> print_before;
  std::vector<std::string> print_after;
  bool verify_each = false;
  bool stats = false;
  bool remarks = false;
  bool verify_numerics = false;
  double numerics_tolerance = 1e-4;
  std::vector<std::string> keep_outputs;
};

// What a command runs without pass flags, as its help states it.
enum class DefaultPasses {
  kNone,       // dump, info, export
  kOptimize,   // compile: native code is generated from the -O graph
  kByBackend,  // run: -O with --backend=halide, none on the reference interpreter
};

void add_pass_options(CLI::App& app, PassFlags& f, DefaultPasses defaults);

// The names of the options add_pass_options added to `app` ("--passes", "-O", ...).
std::vector<std::string> pass_option_names(const CLI::App& app);

// Rewrites "-O0" to the long spelling CLI11 can parse; stops at "--".
std::vector<std::string> normalize_opt_level(std::vector<std::string> args);

// The pass names the flags select (empty for -O0 or no pass flags).
std::vector<std::string> selected_passes(const PassFlags& f);
// Throws kiln::Error when --keep-outputs names a value that is not a graph
// output: a typo there would silently strip the output the user meant.
void check_keep_outputs(const Graph& g, const PassFlags& f);
PipelineOptions pipeline_options(const PassFlags& f);

// Runs the selected passes, if any, rewriting g and weights; reports go to
// stderr so that they never mix with a dump on stdout.
void run_selected_passes(Graph& g, WeightMap& weights, const PassFlags& f);

}  // namespace kiln::driver
