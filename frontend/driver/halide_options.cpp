#include "frontend/driver/halide_options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "backend/halide/lower_graph.h"
#include "frontend/driver/option_conflicts.h"

namespace kiln::driver {

namespace {

constexpr const char* kGroup = "Native code";

// Short names for the ISAs Kiln has schedules for; anything else is passed
// to Halide as a target string ("x86-64-linux-avx-avx2-fma-f16c-sse41").
std::string expand_target(const std::string& name) {
  if (name == "host") return Halide::get_host_target().to_string();
  if (name == "x86-64-avx2") return "x86-64-linux-avx-avx2-f16c-fma-sse41";
  if (name == "x86-64-avx512") return "x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41";
  return name;
}

// Architecture, bits and OS of `t`, without features ("x86-64-linux").
std::string platform_of(const Halide::Target& t) {
  return Halide::Target(t.os, t.arch, t.bits).to_string();
}

CLI::Validator target_validator() {
  return CLI::Validator(
      [](std::string& name) {
        const std::string expanded = expand_target(name);
        if (!Halide::Target::validate_target_string(expanded))
          return "unknown target '" + name +
                 "' (host, x86-64-avx2, x86-64-avx512, or a Halide target string)";
        // Artifacts are linked by this machine's cc into a library for its own runtime, and
        // the schedules are x86's: another platform would fail late, with raw linker output.
        const std::string host = platform_of(Halide::get_host_target());
        if (platform_of(Halide::Target(expanded)) != host)
          return "target '" + name + "' is for another platform: Kiln compiles for this " +
                 "machine's (" + host + "), e.g. host, x86-64-avx2 or x86-64-avx512";
        return std::string();
      },
      "TARGET");
}

void print_progress(int done, int total, bool hit, const std::string& kernel) {
  fmt::print(stderr, "[{}/{}] {} {}\n", done, total, hit ? "cached  " : "compiled", kernel);
}

}  // namespace

void add_halide_options(CLI::App& app, HalideFlags& f) {
  app.add_option("--target", f.target, "host, x86-64-avx2, x86-64-avx512 or a Halide target")
      ->check(target_validator())
      ->capture_default_str()
      ->group(kGroup);
  app.add_option("--cache-dir", f.cache_dir, "Kernel cache (default: ~/.cache/kiln)")
      ->type_name("DIR")
      ->group(kGroup);
  app.add_option("--jobs", f.jobs, "Kernels compiled at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str()
      ->group(kGroup);
  app.add_option("--scheduler", f.scheduler,
                 "Kiln's hand schedules, or one of the autoschedulers shipped with Halide")
      ->check(CLI::IsMember(halide::scheduler_names()))
      ->capture_default_str()
      ->group(kGroup);
  app.add_option("--conv-algorithm", f.conv_algorithm,
                 "Convolutions: direct, winograd (F(4x4,3x3) for every 3x3 stride-1 conv), or "
                 "auto (winograd where measured faster)")
      ->check(CLI::IsMember(halide::conv_algorithm_names()))
      ->capture_default_str()
      ->group(kGroup);
}

void add_threads_option(CLI::App& app, HalideFlags& f) {
  app.add_option("--threads", f.threads, "Threads for the kernels (0: one per core)")
      ->check(CLI::Range(0, 1024))
      ->group(kGroup);
}

void add_emit_option(CLI::App& app, HalideFlags& f) {
  app.add_option("--emit", f.emit, "Per-kernel listings: stmt, html, asm, llvm")
      ->delimiter(',')
      ->check(CLI::IsMember({"stmt", "html", "asm", "llvm"}))
      ->group(kGroup);
}

std::vector<std::string> halide_option_names(const CLI::App& app) {
  return option_names_in_group(app, kGroup);
}

halide::ArtifactInfo compile_model(Graph& g, WeightMap& weights, const PassFlags& passes,
                                   const HalideFlags& flags, const std::string& out_dir) {
  PassFlags effective = passes;
  if (selected_passes(passes).empty() && !passes.no_optimize) effective.optimize = true;
  run_selected_passes(g, weights, effective);
  Halide::Target target(expand_target(flags.target));
  halide::LowerOptions lower;
  lower.scheduler = halide::parse_scheduler(flags.scheduler);
  lower.conv_algorithm = halide::parse_conv_algorithm(flags.conv_algorithm);
  halide::Plan plan = halide::lower_graph(g, weights, target, lower);
  // Autoscheduling can take minutes (Adams2019 per convolution): say why.
  if (lower.scheduler != halide::Scheduler::hand)
    fmt::print(stderr, "scheduling kernels with {} ({})\n", flags.scheduler,
               halide::autoscheduler_plugin_path(lower.scheduler));
  halide::CodegenOptions options;
  options.cache_dir = flags.cache_dir;
  options.jobs = flags.jobs;
  options.emit = flags.emit;
  options.progress = print_progress;
  return halide::write_artifact(plan, out_dir, options);
}

}  // namespace kiln::driver
