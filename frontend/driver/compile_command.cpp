// `kiln compile`: optimise a model (-O unless told otherwise), lower it to
// Halide kernels and write a native artifact the runtime loads.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "frontend/driver/command.h"
#include "frontend/driver/halide_options.h"
#include "frontend/driver/model_options.h"

namespace kiln::driver {

namespace {

struct CompileArgs {
  ModelOptions model;
  std::string out_dir;
  PassFlags passes;
  HalideFlags halide;
};

int compile(const CompileArgs& a) {
  auto [g, weights] = load_model_with_weights(a.model);
  halide::ArtifactInfo info = compile_model(*g, weights, a.passes, a.halide, a.out_dir);
  fmt::print("compiled @{} to {} for {}\n", g->name(), info.dir, a.halide.target);
  fmt::print("kernels: {} ({} compiled, {} from cache) in {:.2f} s, link {:.2f} s\n", info.kernels,
             info.cache_misses, info.cache_hits, info.compile_seconds, info.link_seconds);
  fmt::print("arena: {:.2f} MB for {:.2f} MB of intermediate tensors; weights {:.2f} MB\n",
             info.arena_bytes / 1e6, info.intermediate_bytes / 1e6, info.weights_bytes / 1e6);
  for (const std::string& f : {info.library, info.header, info.weights, info.manifest})
    fmt::print("  {}\n", f);
  if (!info.emitted.empty())
    fmt::print("  {} listings in {}/emit\n", info.emitted.size(), info.dir);
  // Also for kernels from the cache, whose fallback warning was printed when they were compiled.
  for (const std::string& f : info.schedule_fallbacks)
    fmt::print(stderr, "note: hand schedule for {}\n", f);
  return 0;
}

}  // namespace

Command add_compile_command(CLI::App& parent) {
  auto args = std::make_shared<CompileArgs>();
  CLI::App* app = parent.add_subcommand(
      "compile", "Compile a model to native code (a shared library, header and packed weights)");
  add_model_argument(*app, args->model);
  add_weight_options(*app, args->model);
  add_batch_option(*app, args->model);
  app->add_option("-o,--output", args->out_dir, "Artifact directory")->required()->type_name("DIR");
  add_pass_options(*app, args->passes, DefaultPasses::kOptimize);
  add_halide_options(*app, args->halide);
  add_emit_option(*app, args->halide);
  return {app, [args] { return compile(*args); }};
}

}  // namespace kiln::driver
